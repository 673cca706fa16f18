package dev.apikey.internal;

/**
 * Escapes text for log lines and messages: CR, LF, other controls and non-ASCII become visible escapes, and
 * anything shaped like an API key is redacted, because a key pasted into the wrong field or a URL path must not
 * reach a log line or an error message either.
 */
public final class Escaping {
    private Escaping() {
    }

    /**
     * Escapes {@code s}, truncating it to {@code max} source characters (an ellipsis marks the cut).
     * Backslash, quote, control characters and anything outside printable ASCII are written as
     * {@code \n}, {@code \r}, {@code \t} or {@code \\uXXXX}. The random part of anything shaped like a key
     * ({@code _live_} or {@code _test_} followed by 38 base62 chars) is replaced by {@value #REDACTED}.
     */
    public static String escape(CharSequence s, int max) {
        s = redactKeys(s);
        int n = Math.min(s.length(), max);
        StringBuilder b = new StringBuilder(n + 8);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (s.length() > max) {
            b.append("...");
        }
        return b.toString();
    }

    /** What replaces the secret part of a key-shaped run. */
    public static final String REDACTED = "[redacted]";
    private static final int KEY_TAIL = 38;

    /**
     * {@code s} with the 38 base62 chars after each {@code _live_} or {@code _test_} replaced by
     * {@value #REDACTED}; {@code s} itself when it holds no such run (the usual case costs one scan).
     */
    static CharSequence redactKeys(CharSequence s) {
        StringBuilder out = null;
        int copied = 0;
        for (int i = 0; i + 6 + KEY_TAIL <= s.length(); i++) {
            if (s.charAt(i) == '_' && isEnvironmentMarker(s, i) && base62Run(s, i + 6) >= KEY_TAIL) {
                if (out == null) {
                    out = new StringBuilder(s.length());
                }
                int end = i + 6 + base62Run(s, i + 6);
                out.append(s, copied, i + 6).append(REDACTED);
                copied = end;
                i = end - 1;
            }
        }
        if (out == null) {
            return s;
        }
        return out.append(s, copied, s.length());
    }

    private static boolean isEnvironmentMarker(CharSequence s, int at) {
        return s.charAt(at + 5) == '_' && (regionIs(s, at + 1, "live") || regionIs(s, at + 1, "test"));
    }

    private static boolean regionIs(CharSequence s, int at, String token) {
        for (int i = 0; i < token.length(); i++) {
            if (s.charAt(at + i) != token.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int base62Run(CharSequence s, int from) {
        int i = from;
        while (i < s.length() && Base62.isDigit(s.charAt(i))) {
            i++;
        }
        return i - from;
    }
}
