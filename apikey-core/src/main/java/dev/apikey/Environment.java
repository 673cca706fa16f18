package dev.apikey;

import java.util.Locale;

/** The environment a key belongs to; it is part of the key text ({@code ak_live_...}, {@code ak_test_...}). */
public enum Environment {
    /** Production keys. */
    LIVE("live"),
    /** Keys for testing and sandboxes. */
    TEST("test");

    private final String token;

    Environment(String token) {
        this.token = token;
    }

    /** The token written in keys: {@code live} or {@code test}. */
    public String token() {
        return token;
    }

    /**
     * Parses {@code live} or {@code test} (case-insensitive).
     *
     * @throws InvalidConfigurationException for anything else
     */
    public static Environment parse(String text) {
        if (text != null) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            for (Environment e : values()) {
                if (e.token.equals(t)) {
                    return e;
                }
            }
        }
        throw new InvalidConfigurationException("environment must be 'live' or 'test', got '" + Text.safe(text) + "'");
    }
}
