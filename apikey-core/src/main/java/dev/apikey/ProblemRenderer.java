package dev.apikey;

import dev.apikey.internal.Escaping;
import dev.apikey.json.StrictJson;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders {@code application/problem+json} bodies (RFC 9457): the verifier's rejections and the admin API's
 * errors go through the same instance, so they share one {@code type} base and one way of writing JSON.
 * Immutable and thread-safe.
 */
public final class ProblemRenderer {
    /** The content type of every problem body. */
    public static final String CONTENT_TYPE = "application/problem+json";
    /** The default base of problem {@code type} URIs; the slug is appended. */
    public static final String DEFAULT_BASE = "https://apikey.dev/problems/";
    /** The header every problem response carries: an error answer is never cached. */
    public static final HttpHeader NO_STORE = new HttpHeader("Cache-Control", "no-store");

    private static final ProblemRenderer DEFAULT = new ProblemRenderer(DEFAULT_BASE);

    private final String base;

    private ProblemRenderer(String base) {
        this.base = base;
    }

    /** The renderer with the {@value #DEFAULT_BASE} type base. */
    public static ProblemRenderer ofDefaults() {
        return DEFAULT;
    }

    /**
     * A renderer whose {@code type} URIs start with {@code base}.
     *
     * @throws InvalidConfigurationException if {@code base} is not 1-200 printable ASCII chars without spaces
     */
    public static ProblemRenderer withBase(String base) {
        if (base == null || base.isEmpty() || base.length() > 200 || !base.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new InvalidConfigurationException("problem type base must be a URI prefix, got '" + Text.safe(base) + "'");
        }
        return base.equals(DEFAULT_BASE) ? DEFAULT : new ProblemRenderer(base);
    }

    /** The base of {@code type} URIs. */
    public String base() {
        return base;
    }

    /** The body of one of the verifier's answers. */
    public String body(Problem problem, String detail) {
        return body(problem.status(), problem.slug(), problem.title(), detail, Map.of());
    }

    /**
     * A body with {@code type} {@link #base()} + {@code slug}, the title, status and detail, then the
     * {@code extensions} members in their order.
     */
    public String body(int status, String slug, String title, String detail, Map<String, String> extensions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", base + slug);
        m.put("title", title);
        m.put("status", status);
        m.put("detail", detail);
        m.putAll(extensions);
        return StrictJson.write(m);
    }

    /**
     * {@code text} from a request, made fit for a detail: at most {@code max} chars, controls and non-ASCII
     * escaped, anything shaped like a key redacted.
     */
    public static String untrusted(CharSequence text, int max) {
        return Escaping.escape(text, max);
    }

    @Override
    public String toString() {
        return "ProblemRenderer[" + base + "]";
    }
}
