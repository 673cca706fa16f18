package dev.apikey.internal;

import java.util.Random;

/** Base62 with the alphabet {@code 0-9A-Za-z}, as the key format fixes it. */
public final class Base62 {
    /** The alphabet in digit order. */
    public static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /** Indexed by the unsigned byte, so neither a char nor a byte lookup needs a range check first. */
    private static final byte[] VALUE = new byte[256];

    static {
        java.util.Arrays.fill(VALUE, (byte) -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            VALUE[ALPHABET.charAt(i)] = (byte) i;
        }
    }

    private Base62() {
    }

    /** True if {@code c} is one of the 62 digits. */
    public static boolean isDigit(char c) {
        return c < 128 && VALUE[c] >= 0;
    }

    /** The digit value of the byte {@code b} (0-61), or -1 if it is not a base62 digit. */
    public static int value(byte b) {
        return VALUE[b & 0xff];
    }

    /** Writes {@code value} (unsigned, below 62^width) as exactly {@code width} digits, left-padded with '0'. */
    public static void encodeFixed(long value, int width, char[] out, int offset) {
        long v = value;
        for (int i = width - 1; i >= 0; i--) {
            out[offset + i] = ALPHABET.charAt((int) (v % 62));
            v /= 62;
        }
        if (v != 0) {
            throw new IllegalArgumentException("value does not fit in " + width + " base62 digits");
        }
    }

    /** Returns {@code value} as exactly {@code width} base62 digits, left-padded with '0'. */
    public static String encodeFixed(long value, int width) {
        char[] out = new char[width];
        encodeFixed(value, width, out, 0);
        return new String(out);
    }

    /**
     * Draws {@code count} uniformly distributed base62 digits from {@code random}. Rejection sampling
     * on 6-bit values keeps every digit equally likely.
     */
    public static void randomDigits(Random random, char[] out, int offset, int count) {
        int filled = 0;
        byte[] buf = new byte[count + 16];
        while (filled < count) {
            random.nextBytes(buf);
            for (int i = 0; i < buf.length && filled < count; i++) {
                int v = buf[i] & 0x3f;
                if (v < 62) {
                    out[offset + filled++] = ALPHABET.charAt(v);
                }
            }
        }
    }
}
