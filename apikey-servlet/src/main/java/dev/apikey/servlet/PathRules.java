package dev.apikey.servlet;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.RequiresScope;
import dev.apikey.ScopeRequirement;
import dev.apikey.internal.Escaping;

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
 *       A rule for {@code GET} covers {@code HEAD} unless the same pattern has its own {@code HEAD} rule.</li>
 *   <li>{@code PATTERN}: an exact path ({@code /billing/summary}), a prefix ({@code /billing/*}, which also
 *       matches {@code /billing} itself) or {@code /*}. Rules match case-insensitively, so {@code /BILLING/x}
 *       needs what {@code /billing/x} needs.</li>
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
 */
public final class PathRules {
    private static final PathRules NONE = new PathRules(List.of());

    /** What a request needs: nothing (public), or a key satisfying {@link #requirement()}. */
    public record Access(boolean isPublic, ScopeRequirement requirement) {
        private static final Access PUBLIC = new Access(true, ScopeRequirement.none());
        private static final Access ANY_KEY = new Access(false, ScopeRequirement.none());
    }

    private record Entry(Set<String> methods, String pattern, boolean prefix, boolean caseSensitive, Access access) {
        boolean matches(String path, String lowerPath) {
            String p = caseSensitive ? path : lowerPath;
            if (!prefix) {
                return p.equals(pattern);
            }
            // pattern holds the prefix without the trailing "/*"; "" for "/*".
            return p.startsWith(pattern) && (p.length() == pattern.length() || p.charAt(pattern.length()) == '/');
        }

        /**
         * {@link #matches} without the lower-case path where ASCII settles it: {@link #MATCH}, {@link #NO_MATCH}, or
         * {@link #UNKNOWN} when a case-insensitive entry meets a non-ASCII char of the path (or has one itself)
         * before the answer is known. {@code toLowerCase(Locale.ROOT)} lowers each ASCII char on its own, and what a
         * non-ASCII char becomes (one char or several) leaves the chars before it as they are, so a comparison that
         * ends before the path's first non-ASCII char has the lower-case path's answer. Lowering every request's
         * whole path went through the JDK's case tables, cold in a loaded server, and cost more than the match.
         */
        int quickMatch(String path) {
            if (caseSensitive) {
                return matches(path, null) ? MATCH : NO_MATCH;
            }
            String pat = pattern;
            int k = pat.length();
            int n = path.length();
            int m = Math.min(k, n);
            for (int i = 0; i < m; i++) {
                char c = path.charAt(i);
                char q = pat.charAt(i);
                if (c >= 0x80 || q >= 0x80) {
                    return UNKNOWN;
                }
                if (c != q && !(c >= 'A' && c <= 'Z' && c + ('a' - 'A') == q)) {
                    return NO_MATCH;
                }
            }
            if (n < k) {
                // Every char of the path was ASCII, so its lower case is as short.
                return NO_MATCH;
            }
            if (n == k) {
                return MATCH;
            }
            // The path goes on after the pattern: its lower case is longer than an exact pattern, and a prefix
            // pattern needs the next char to be '/', which no non-ASCII char becomes in lower case.
            return prefix && path.charAt(k) == '/' ? MATCH : NO_MATCH;
        }

        /** Exact patterns first, then longer prefixes. */
        int specificity() {
            return prefix ? pattern.length() : Integer.MAX_VALUE;
        }
    }

    private static final int NO_MATCH = 0;
    private static final int MATCH = 1;
    private static final int UNKNOWN = 2;

    private final List<Entry> entries;

    private PathRules(List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingInt(Entry::specificity).reversed());
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
        // One pass over the entries, which are sorted by specificity, group by group; no list per request. The
        // lower-case path is made only when a case-insensitive entry cannot be decided on ASCII chars alone.
        List<Entry> es = entries;
        int n = es.size();
        String lower = null;
        boolean matched = false;
        int i = 0;
        while (i < n) {
            int spec = es.get(i).specificity();
            Entry get = null;
            Entry every = null;
            for (; i < n && es.get(i).specificity() == spec; i++) {
                Entry e = es.get(i);
                int m = e.quickMatch(path);
                if (m == UNKNOWN) {
                    if (lower == null) {
                        lower = path.toLowerCase(Locale.ROOT);
                    }
                    m = e.matches(path, lower) ? MATCH : NO_MATCH;
                }
                if (m == NO_MATCH) {
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
            Entry found = method.equals("HEAD") && get != null ? get : every;
            if (found != null) {
                return found.access();
            }
        }
        if (!matched) {
            return Access.ANY_KEY;
        }
        // Rules match the path but none names the method: every scope any of them asks for.
        if (lower == null) {
            lower = path.toLowerCase(Locale.ROOT);
        }
        ScopeRequirement strictest = ScopeRequirement.none();
        for (Entry e : es) {
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
        private final List<Entry> entries = new ArrayList<>();

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
            Entry e = new Entry(methods, stored, prefix, isPublic, access);
            for (Entry other : entries) {
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
                            + Escaping.escape(text, 64) + "'");
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
            return new InvalidConfigurationException("rule '" + Escaping.escape(line, 100) + "': " + why);
        }
    }
}
