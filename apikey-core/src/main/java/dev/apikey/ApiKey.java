package dev.apikey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A well-formed plaintext key. Obtain one from {@link KeyFormat#parse} or {@link KeyFormat#generate}.
 * {@link #toString()} returns only the {@linkplain #hint() hint}; the plaintext is available through
 * {@link #reveal()} alone, so that it cannot reach a log line by accident.
 */
public final class ApiKey {
    private final String value;
    private final int prefixLength;
    private final Environment environment;
    /** The key's bytes when a parse made them already, else null; never handed out. */
    private final byte[] ascii;

    ApiKey(String value, int prefixLength, Environment environment, byte[] ascii) {
        this.value = value;
        this.prefixLength = prefixLength;
        this.environment = environment;
        this.ascii = ascii;
    }

    /** The plaintext key. Show it to its owner once; never log it. */
    public String reveal() {
        return value;
    }

    /** The key's prefix, e.g. {@code ak}. */
    public String prefix() {
        return value.substring(0, prefixLength);
    }

    /** The environment written in the key. */
    public Environment environment() {
        return environment;
    }

    /** The key's ASCII bytes, for hashing. */
    public byte[] bytes() {
        return value.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The key's bytes without a copy, for a hasher that reads and never keeps them. */
    byte[] bytesForHashing() {
        return ascii != null ? ascii : bytes();
    }

    /** The display hint: prefix and environment, an ellipsis, and the last 4 chars ({@code ak_live_…x9Qz}). */
    public String hint() {
        return hint(value, prefixLength);
    }

    static String hint(String key, int prefixLength) {
        return key.substring(0, prefixLength + 6) + "\u2026" + key.substring(key.length() - 4);
    }

    /** Returns the hint, never the key. */
    @Override
    public String toString() {
        return hint();
    }

    /** Constant-time comparison of the plaintext. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKey other && MessageDigest.isEqual(bytes(), other.bytes());
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
