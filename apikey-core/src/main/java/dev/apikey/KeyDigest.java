package dev.apikey;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Objects;

/**
 * The stored form of a key: a 32-byte digest and the scheme that produced it ({@code sha256} or
 * {@code hmac-v<N>} for a peppered HMAC). Equality is constant-time. {@link #toString()} shows the scheme
 * only, so digests do not reach logs; {@link #encoded()} is the text form that stores persist.
 */
public final class KeyDigest {
    // The 32 bytes are held as four big-endian longs rather than a byte[32]: a stored digest is then one
    // object of 48 bytes instead of two of 72 together, and building one for a lookup is a single allocation.
    private final String scheme;
    private final long b0;
    private final long b1;
    private final long b2;
    private final long b3;

    private KeyDigest(String scheme, byte[] bytes, int offset) {
        this.scheme = scheme;
        this.b0 = longAt(bytes, offset);
        this.b1 = longAt(bytes, offset + 8);
        this.b2 = longAt(bytes, offset + 16);
        this.b3 = longAt(bytes, offset + 24);
    }

    private static final VarHandle BIG_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private static long longAt(byte[] b, int at) {
        return (long) BIG_ENDIAN_LONG.get(b, at);
    }

    /**
     * Wraps a digest; the array is copied.
     *
     * @throws InvalidConfigurationException if the scheme is unknown or the digest is not 32 bytes
     */
    public static KeyDigest of(String scheme, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        checkScheme(scheme);
        if (bytes.length != 32) {
            throw new InvalidConfigurationException("digest must be 32 bytes, got " + bytes.length);
        }
        return new KeyDigest(scheme, bytes, 0);
    }

    /** A digest of the 32 bytes at {@code offset} of {@code bytes} (copied), for a scheme the hasher vouches for. */
    static KeyDigest wrap(String scheme, byte[] bytes, int offset) {
        return new KeyDigest(scheme, bytes, offset);
    }

    private static void checkScheme(String scheme) {
        if ("sha256".equals(scheme)) {
            return;
        }
        if (scheme != null && scheme.startsWith("hmac-v") && scheme.length() > 6 && scheme.length() <= 15) {
            for (int i = 6; i < scheme.length(); i++) {
                if (scheme.charAt(i) < '0' || scheme.charAt(i) > '9') {
                    throw new InvalidConfigurationException("digest scheme must be sha256 or hmac-v<N>");
                }
            }
            return;
        }
        throw new InvalidConfigurationException("digest scheme must be sha256 or hmac-v<N>");
    }

    /**
     * Parses the text form {@code <scheme>:<base64url>}.
     *
     * @throws InvalidConfigurationException if the text is not a digest
     */
    public static KeyDigest parse(String encoded) {
        if (encoded == null) {
            throw new InvalidConfigurationException("digest is missing");
        }
        int colon = encoded.indexOf(':');
        if (colon < 0) {
            throw new InvalidConfigurationException("digest must look like <scheme>:<base64url>");
        }
        byte[] b;
        try {
            b = Base64.getUrlDecoder().decode(encoded.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("digest is not base64url");
        }
        return of(encoded.substring(0, colon), b);
    }

    /** The scheme: {@code sha256} or {@code hmac-v<N>}. */
    public String scheme() {
        return scheme;
    }

    /** A copy of the 32 digest bytes. */
    public byte[] bytes() {
        byte[] out = new byte[32];
        long[] words = {b0, b1, b2, b3};
        for (int w = 0; w < 4; w++) {
            for (int i = 0; i < 8; i++) {
                out[w * 8 + i] = (byte) (words[w] >>> (56 - 8 * i));
            }
        }
        return out;
    }

    /** The text form {@code <scheme>:<base64url without padding>}. */
    public String encoded() {
        return scheme + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes());
    }

    /** Constant-time comparison of scheme and bytes. */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof KeyDigest d && d.is(scheme, b0, b1, b2, b3);
    }

    /** True if this is the digest of {@code scheme} with the given words: constant-time, like MessageDigest.isEqual. */
    private boolean is(String scheme, long b0, long b1, long b2, long b3) {
        // Every word is compared, whatever differs first.
        return ((b0 ^ this.b0) | (b1 ^ this.b1) | (b2 ^ this.b2) | (b3 ^ this.b3)) == 0 && scheme.equals(this.scheme);
    }

    @Override
    public int hashCode() {
        return hashOf(b0);
    }

    /** The first four bytes: a digest is uniformly distributed, so any 32 bits of it will do. */
    private static int hashOf(long b0) {
        return (int) (b0 >>> 32);
    }

    /** Shows the scheme only. */
    @Override
    public String toString() {
        return "KeyDigest[" + scheme + "]";
    }
}
