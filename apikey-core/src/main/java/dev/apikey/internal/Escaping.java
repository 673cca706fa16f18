package dev.apikey.internal;

/** Escapes text for log lines and messages: CR, LF, other controls and non-ASCII become visible escapes. */
public final class Escaping {
    private Escaping() {
    }

    /**
     * Escapes {@code s}, truncating it to {@code max} source characters (an ellipsis marks the cut).
     * Backslash, quote, control characters and anything outside printable ASCII are written as
     * {@code \n}, {@code \r}, {@code \t} or {@code \\uXXXX}.
     */
    public static String escape(CharSequence s, int max) {
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
}
