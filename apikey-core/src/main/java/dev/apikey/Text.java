package dev.apikey;

import dev.apikey.internal.Escaping;

/**
 * Puts user-supplied, non-secret values (names, paths, header values, configuration) into messages and log lines:
 * control and non-ASCII characters are escaped and the value is shortened, so that a line cannot be split or
 * forged. Anything shaped like a key is redacted as well, but never pass a secret on purpose.
 */
public final class Text {
    private Text() {
    }

    /** The value escaped and shortened to 64 characters; {@code "null"} for null. */
    public static String safe(CharSequence s) {
        return safe(s, 64);
    }

    /** The value escaped and shortened to {@code max} characters; {@code "null"} for null. */
    public static String safe(CharSequence s, int max) {
        if (s == null) {
            return "null";
        }
        return Escaping.escape(s, max);
    }
}
