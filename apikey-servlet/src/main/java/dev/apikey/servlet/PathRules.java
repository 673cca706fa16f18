package dev.apikey.servlet;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.RequiresScope;
import dev.apikey.ScopeRequirement;
import dev.apikey.Text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which scopes a request needs, by method and path; immutable, parsed once at start-up.
 *
 * <p>A <b>scope rule</b> is one line {@code METHODS PATTERN [SCOPES]}:
 * <ul>
 *   <li>{@code METHODS}: comma-separated HTTP methods ({@code GET,HEAD}) or {@code *} for every method.
 *       {@code HEAD} needs what {@code GET} needs: {@code HttpServlet}, JAX-RS and Spring MVC answer it with the
 *       GET handler, so a {@code HEAD} rule adds its scopes to those and a public {@code HEAD} entry is public
 *       only where {@code GET} is.</li>
 *   <li>{@code PATTERN}: an exact path ({@code /billing/summary}), a prefix ({@code /billing/*}, which also
 *       matches {@code /billing} itself, as in the servlet spec) or {@code /*}. Rules match case-insensitively,
 *       so {@code /BILLING/x} needs what {@code /billing/x} needs, whether or not the application routes it.</li>
 *   <li>{@code SCOPES}: scopes separated by spaces, all of which are needed ({@code billing:read audit:read}),
 *       or separated by {@code |}, any one of which is enough ({@code billing:read|billing:admin}). Omitted:
 *       any valid key.</li>
 * </ul>
 * Blank lines and lines starting with {@code #} are ignored.
 *
 * <p>A <b>public path</b> is one line {@code [METHODS] PATTERN}; matching requests need no key. Public paths
 * match case-sensitively, so a differently-cased path is never made public by accident.
 *
 * <p>How a request is decided, with the path as the container normalised it (servlet path + path info):
 * <ol>
 *   <li>Among the patterns that match the path, the most specific one (exact before prefix, longer prefix
 *       before shorter) that has an entry for the request's method decides: a public entry needs no key, a rule
 *       needs its scopes.</li>
 *   <li>If no matching pattern names the method (say {@code DELETE} where only {@code GET} and {@code POST}
 *       rules exist), the request needs every scope of every rule matching the path: the strictest
 *       requirement, never "open by default".</li>
 *   <li>A path no rule matches needs any valid key.</li>
 * </ol>
 *
 * <p><b>Other spellings of a path.</b> Frameworks route some spellings of a path to the handler of its plain
 * spelling, and which handler an application picks cannot be known here, so such a spelling needs what it needs
 * as sent <i>and</i> what its plain spelling needs (every scope of both; public only if both are public):
 * <ul>
 *   <li>trailing slashes: {@code /x/} and {@code /x//} need what {@code /x} needs too (JAX-RS implementations,
 *       Spring MVC with trailing-slash matching);</li>
 *   <li>empty segments and path parameters: {@code /a//x} and {@code /a/x;p=1} need what {@code /a/x} needs too
 *       (the filter refuses such requests with 400 before any rule applies);</li>
 *   <li>a dotted last segment: {@code /x.json} and {@code /x.tar.gz} need what {@code /x} and {@code /x.tar} need
 *       too (Spring's suffix pattern matching, JAX-RS URI content negotiation), unless an exact pattern names
 *       the path itself ({@code /favicon.ico}, {@code /report.v2}). A leading dot ({@code /.well-known}) is not
 *       an extension.</li>
 * </ul>
 * With {@code GET /billing/summary billing:admin} and {@code GET /billing/* billing:read}, {@code /billing/summary}
 * needs billing:admin and {@code /billing/summary/} both: a servlet mapping would hand it to what
 * {@code /billing/*} guards, Jersey to what {@code /billing/summary} guards. A public path never opens another
 * spelling: {@code /health} does not make {@code /health/} or {@code /health.json} public.
 */
public final class PathRules {
    private static final PathRules NONE = new PathRules(List.of());

    /** What a request needs: nothing (public), or a key satisfying {@link #requirement()}. */
    public record Access(boolean isPublic, ScopeRequirement requirement) {
        private static final Access PUBLIC = new Access(true, ScopeRequirement.none());
        private static final Access ANY_KEY = new Access(false, ScopeRequirement.none());
    }

    private final List<PathEntry> entries;

    private PathRules(List<PathEntry> entries) {
        List<PathEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingInt(PathEntry::specificity).reversed());
        this.entries = List.copyOf(sorted);
    }

    /** No rules: every request needs any valid key. */
    public static PathRules none() {
        return NONE;
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What a request with this method and container-normalised path needs.
     *
     * @param method the HTTP method, as sent (methods are case-sensitive)
     * @param path   servlet path + path info
     */
    public Access accessFor(String method, String path) {
        Access access = decideWithGet(method, path);
        if (access == null) {
            access = Access.ANY_KEY;
        }
        // Other spellings of a path need what their plain spelling needs as well: the filter cannot know whether the
        // application routes /x/ to the handler of /x (JAX-RS, Spring with trailing-slash matching) or to the one
        // /x/* guards (a servlet mapping), so the request needs both.
        String plain = SamePath.plain(path);
        if (plain != path) {
            access = stricter(access, decideWithGet(method, plain));
        }
        int segment = SamePath.lastSegment(plain);
        int dot = plain.lastIndexOf('.');
        if (dot > segment && !namedExactly(plain)) {
            for (; dot > segment; dot = plain.lastIndexOf('.', dot - 1)) {
                access = stricter(access, decideWithGet(method, plain.substring(0, dot)));
            }
        }
        return access;
    }

    /**
     * {@link #decide}, and for HEAD what GET needs too: {@code HttpServlet}, JAX-RS and Spring MVC answer HEAD
     * with the GET handler, so a HEAD rule or public path can add to what GET needs, never take from it.
     */
    private Access decideWithGet(String method, String path) {
        Access a = decide(method, path);
        return method.equals("HEAD") ? stricter(a, decide("GET", path)) : a;
    }

    /** What both need: public only if both are; {@code null} (no entry matched) adds nothing. */
    private static Access stricter(Access a, Access b) {
        if (b == null || b.equals(a)) {
            return a;
        }
        if (a == null || a.isPublic()) {
            return b;
        }
        if (b.isPublic()) {
            return a;
        }
        ScopeRequirement both = a.requirement().and(b.requirement());
        return both.equals(a.requirement()) ? a : new Access(false, both);
    }

    /** True if an exact pattern (a rule or public path, of any method) names {@code path}. */
    private boolean namedExactly(String path) {
        String lower = null;
        for (PathEntry e : entries) {
            if (e.prefix()) {
                // Sorted by specificity: the exact patterns come first.
                return false;
            }
            int m = e.quickMatch(path);
            if (m == PathEntry.UNKNOWN) {
                if (lower == null) {
                    lower = path.toLowerCase(Locale.ROOT);
                }
                m = e.matches(path, lower) ? PathEntry.MATCH : PathEntry.NO_MATCH;
            }
            if (m == PathEntry.MATCH) {
                return true;
            }
        }
        return false;
    }

    /** What the entries matching this very path ask of the method; {@code null} if no entry matches it. */
    private Access decide(String method, String path) {
        // One pass over the entries, which are sorted by specificity, group by group; no list per request. The
        // lower-case path is made only when a case-insensitive entry cannot be decided on ASCII chars alone.
        List<PathEntry> es = entries;
        int n = es.size();
        String lower = null;
        boolean matched = false;
        int i = 0;
        while (i < n) {
            int spec = es.get(i).specificity();
            PathEntry get = null;
            PathEntry every = null;
            for (; i < n && es.get(i).specificity() == spec; i++) {
                PathEntry e = es.get(i);
                int m = e.quickMatch(path);
                if (m == PathEntry.UNKNOWN) {
                    if (lower == null) {
                        lower = path.toLowerCase(Locale.ROOT);
                    }
                    m = e.matches(path, lower) ? PathEntry.MATCH : PathEntry.NO_MATCH;
                }
                if (m == PathEntry.NO_MATCH) {
                    continue;
                }
                matched = true;
                // The entry naming the method; else, for HEAD, the one naming GET; else one for every method.
                if (e.methods() == null) {
                    every = e;
                } else if (e.methods().contains(method)) {
                    return e.access();
                } else if (e.methods().contains("GET")) {
                    get = e;
                }
            }
            PathEntry found = method.equals("HEAD") && get != null ? get : every;
            if (found != null) {
                return found.access();
            }
        }
        if (!matched) {
            return null;
        }
        // Rules match the path but none names the method: every scope any of them asks for.
        if (lower == null) {
            lower = path.toLowerCase(Locale.ROOT);
        }
        ScopeRequirement strictest = ScopeRequirement.none();
        for (PathEntry e : es) {
            if (!e.access().isPublic() && e.matches(path, lower)) {
                strictest = strictest.and(e.access().requirement());
            }
        }
        return strictest.isNone() ? Access.ANY_KEY : new Access(false, strictest);
    }

    @Override
    public String toString() {
        return "PathRules" + entries.stream().map(e -> (e.methods() == null ? "*" : String.join(",", e.methods())) + " "
                + (e.prefix() ? e.pattern() + "/*" : e.pattern()) + " -> "
                + (e.access().isPublic() ? "public" : e.access().requirement().toString())).toList();
    }

    /** Builder for {@link PathRules}; each method fails fast with a message naming the wrong value. */
    public static final class Builder {
        private final List<PathEntry> entries = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds scope rules, one per line, in the {@code METHODS PATTERN [SCOPES]} syntax.
         *
         * @throws InvalidConfigurationException naming the line and what is wrong with it
         */
        public Builder rules(String lines) {
            for (String line : lines(lines)) {
                String[] parts = line.split("\\s+", 3);
                if (parts.length < 2) {
                    throw bad(line, "expected 'METHODS PATTERN [SCOPES]', e.g. 'GET,HEAD /billing/* billing:read'");
                }
                add(line, methods(line, parts[0]), parts[1], false,
                        new Access(false, parts.length == 3 ? scopes(line, parts[2]) : ScopeRequirement.none()));
            }
            return this;
        }

        /**
         * Adds one scope rule.
         *
         * @param methods     HTTP methods, or none for every method
         * @param pattern     {@code /exact}, {@code /prefix/*} or {@code /*}
         * @param requirement what a key must hold
         */
        public Builder rule(List<String> methods, String pattern, ScopeRequirement requirement) {
            String line = String.join(",", methods) + " " + pattern;
            add(line, methods.isEmpty() ? null : methods(line, String.join(",", methods)), pattern, false,
                    new Access(false, java.util.Objects.requireNonNull(requirement, "requirement")));
            return this;
        }

        /**
         * Adds public paths, one per line, in the {@code [METHODS] PATTERN} syntax.
         *
         * @throws InvalidConfigurationException naming the line and what is wrong with it
         */
        public Builder publicPaths(String lines) {
            for (String line : lines(lines)) {
                String[] parts = line.split("\\s+");
                if (parts.length > 2) {
                    throw bad(line, "expected '[METHODS] PATTERN', e.g. '/health' or 'GET,HEAD /docs/*'");
                }
                add(line, parts.length == 2 ? methods(line, parts[0]) : null, parts[parts.length - 1], true, Access.PUBLIC);
            }
            return this;
        }

        /** Builds the rules. */
        public PathRules build() {
            return new PathRules(entries);
        }

        private void add(String line, Set<String> methods, String pattern, boolean isPublic, Access access) {
            if (!pattern.startsWith("/")) {
                throw bad(line, "pattern must start with '/'");
            }
            boolean prefix = pattern.endsWith("/*");
            String body = prefix ? pattern.substring(0, pattern.length() - 2) : pattern;
            if (body.contains("*") || body.contains("//") || body.contains(";") || body.contains("%")
                    || body.contains("\\") || Arrays.asList(body.split("/")).stream().anyMatch(s -> s.equals(".") || s.equals(".."))) {
                throw bad(line, "pattern must be '/exact', '/prefix/*' or '/*' without '//', ';', '%', '\\', dot "
                        + "segments or other '*'");
            }
            if (!prefix && body.length() > 1 && body.endsWith("/")) {
                throw bad(line, "exact pattern must not end with '/'");
            }
            String stored = isPublic ? body : body.toLowerCase(Locale.ROOT);
            PathEntry e = new PathEntry(methods, stored, prefix, isPublic, access);
            for (PathEntry other : entries) {
                if (other.prefix() == prefix && other.pattern().equalsIgnoreCase(stored) && overlap(other.methods(), methods)) {
                    throw bad(line, "another rule or public path already covers this method and pattern");
                }
            }
            entries.add(e);
        }

        private static boolean overlap(Set<String> a, Set<String> b) {
            if (a == null || b == null) {
                return a == b;
            }
            for (String m : a) {
                if (b.contains(m)) {
                    return true;
                }
            }
            return false;
        }

        private static Set<String> methods(String line, String text) {
            if (text.equals("*")) {
                return null;
            }
            Set<String> out = new LinkedHashSet<>();
            for (String m : text.split(",")) {
                if (m.isEmpty() || !m.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || c == '-' || c == '_')) {
                    throw bad(line, "methods must be upper-case HTTP methods separated by ',' or '*', got '"
                            + Text.safe(text, 64) + "'");
                }
                // Interned: the container hands out its method constants (interned enum names), so the match
                // per request is then a hit by identity, not a compare of two strings' bytes.
                out.add(m.intern());
            }
            return Set.copyOf(out);
        }

        private static ScopeRequirement scopes(String line, String text) {
            String t = text.strip();
            boolean any = t.contains("|");
            if (any && t.matches(".*\\S\\s+\\S.*")) {
                throw bad(line, "scopes are either all-of (separated by spaces) or any-of (separated by '|'), not both");
            }
            List<String> names = new ArrayList<>();
            for (String s : t.split(any ? "\\s*\\|\\s*" : "\\s+")) {
                if (s.isEmpty()) {
                    throw bad(line, "empty scope");
                }
                names.add(s);
            }
            try {
                return ScopeRequirement.of(names, any ? RequiresScope.Mode.ANY : RequiresScope.Mode.ALL);
            } catch (InvalidConfigurationException e) {
                throw bad(line, e.getMessage());
            }
        }

        private static List<String> lines(String text) {
            List<String> out = new ArrayList<>();
            if (text == null) {
                return out;
            }
            for (String l : text.split("\\R")) {
                String s = l.strip();
                if (!s.isEmpty() && !s.startsWith("#")) {
                    out.add(s);
                }
            }
            return out;
        }

        private static InvalidConfigurationException bad(String line, String why) {
            return new InvalidConfigurationException("rule '" + Text.safe(line, 100) + "': " + why);
        }
    }
}
