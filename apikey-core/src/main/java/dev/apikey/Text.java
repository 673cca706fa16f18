package dev.apikey;

/** Helpers for putting user-supplied, non-secret values into messages and log lines. */
final class Text {
    private Text() {
    }

    /**
     * Returns the value shortened to 64 chars with control and non-ASCII characters escaped, so that a
     * message or log line cannot be split or forged. Never call this with a secret.
     */
    static String safe(CharSequence s) {
        if (s == null) {
            return "null";
        }
        return dev.apikey.internal.Escaping.escape(s, 64);
    }
}
