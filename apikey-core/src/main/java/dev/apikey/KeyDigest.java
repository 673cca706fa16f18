package dev.apikey;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;

/**
 * The stored form of a key: a 32-byte digest and the scheme that produced it ({@code sha256} or
 * {@code hmac-v<N>} for a peppered HMAC). Equality is constant-time. {@link #toString()} shows the scheme
 * only, so digests do not reach logs; {@link #encoded()} is the text form that stores persist.
 */
public final class KeyDigest {
    private final String scheme;
    private final byte[] bytes;
    private final int hash;

    private KeyDigest(String scheme, byte[] bytes) {
        this.scheme = scheme;
        this.bytes = bytes;
        this.hash = (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
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
        return new KeyDigest(scheme, bytes.clone());
    }

    static KeyDigest wrap(String scheme, byte[] bytes) {
        return new KeyDigest(scheme, bytes);
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
        return bytes.clone();
    }

    /** The text form {@code <scheme>:<base64url without padding>}. */
    public String encoded() {
        return scheme + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Constant-time comparison of scheme and bytes. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof KeyDigest d && MessageDigest.isEqual(bytes, d.bytes) && scheme.equals(d.scheme);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Shows the scheme only. */
    @Override
    public String toString() {
        return "KeyDigest[" + scheme + "]";
    }
}
