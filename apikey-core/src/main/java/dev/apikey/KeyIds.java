package dev.apikey;

import dev.apikey.internal.Base62;

import java.security.SecureRandom;

/** Public key ids: {@code key_} followed by 20 base62 chars. */
public final class KeyIds {
    /** The prefix of every id. */
    public static final String PREFIX = "key_";
    private static final int RANDOM = 20;
    private static final SecureRandom RNG = new SecureRandom();

    private KeyIds() {
    }

    /** A new random id. */
    public static String newId() {
        char[] c = new char[PREFIX.length() + RANDOM];
        PREFIX.getChars(0, PREFIX.length(), c, 0);
        Base62.randomDigits(RNG, c, PREFIX.length(), RANDOM);
        return new String(c);
    }

    /** True if {@code s} has the shape of an id ({@code key_} and 1-64 base62 chars). */
    public static boolean isValid(String s) {
        if (s == null || !s.startsWith(PREFIX) || s.length() <= PREFIX.length() || s.length() > PREFIX.length() + 64) {
            return false;
        }
        for (int i = PREFIX.length(); i < s.length(); i++) {
            if (!Base62.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static void check(String s, String field) {
        if (!isValid(s)) {
            throw new InvalidConfigurationException(field + " must look like key_<base62>, got '" + Text.safe(s) + "'");
        }
    }
}
