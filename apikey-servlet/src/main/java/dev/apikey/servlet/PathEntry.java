package dev.apikey.servlet;

import java.util.Set;

/**
 * One pattern of {@link PathRules} and what it gives: the methods it names ({@code null}: every method), the
 * pattern (lower case for rules; a prefix without its {@code /*}, {@code ""} for {@code /*}) and the access.
 */
record PathEntry(Set<String> methods, String pattern, boolean prefix, boolean caseSensitive, PathRules.Access access) {
    static final int NO_MATCH = 0;
    static final int MATCH = 1;
    static final int UNKNOWN = 2;

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
     * ends before the path's first non-ASCII char has the lower-case path's answer.
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
