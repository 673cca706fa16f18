package dev.apikey.servlet;

/**
 * The plain spelling of a request path, for {@link PathRules} to ask of a path what its plain spelling needs as
 * well. Web frameworks route several spellings to the handler of {@code /x}: {@code /x/} (JAX-RS implementations,
 * Spring MVC before 6 or with trailing-slash matching on), {@code /x;p=1} (path parameters, which containers and
 * Spring strip), {@code /a//x} (empty segments, which some collapse) and {@code /x.json} (JAX-RS URI content
 * negotiation, Spring's suffix pattern matching; see {@link #lastSegment}).
 */
final class SamePath {
    private SamePath() {
    }

    /**
     * {@code path} without path parameters, empty segments and trailing slashes ({@code /a//b;p=1/} is
     * {@code /a/b}); {@code path} itself, the same instance, if it has none of them. {@code /} stays {@code /}.
     */
    static String plain(String path) {
        int n = path.length();
        int i = 0;
        for (; i < n; i++) {
            char c = path.charAt(i);
            if (c == ';' || c == '/' && (i + 1 < n ? path.charAt(i + 1) == '/' : n > 1)) {
                break;
            }
        }
        if (i == n) {
            // Nearly every request: nothing to take out, nothing allocated.
            return path;
        }
        StringBuilder b = new StringBuilder(n);
        int start = path.startsWith("/") ? 1 : 0;
        while (start <= n) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = n;
            }
            int semicolon = path.indexOf(';', start);
            int segmentEnd = semicolon >= 0 && semicolon < end ? semicolon : end;
            if (segmentEnd > start) {
                b.append('/').append(path, start, segmentEnd);
            }
            start = end + 1;
        }
        return b.isEmpty() ? "/" : b.toString();
    }

    /**
     * Where the last segment of {@code path} starts. Each dot in it after its first char ends a shorter name
     * ({@code /x.tar.gz}: {@code /x.tar} and {@code /x}) that a framework may route the path to: Spring's suffix
     * pattern matching answers {@code /x.*} with {@code /x}'s handler, JAX-RS URI content negotiation strips the
     * extensions it knows. A leading dot starts no extension ({@code /.well-known} is not {@code /}).
     */
    static int lastSegment(String path) {
        return path.lastIndexOf('/') + 1;
    }
}
