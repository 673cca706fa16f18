package dev.apikey;

/**
 * A server-side secret mixed into key digests with HMAC-SHA256, with a version so that a pepper can be
 * replaced while keys hashed with the previous one still verify. {@link #toString()} hides the secret.
 *
 * @param version a positive number that identifies this pepper in stored digests ({@code hmac-v<version>})
 * @param secret  at least 32 bytes of secret; the array is copied
 */
public record Pepper(int version, byte[] secret) {
    /** Validates and copies the secret. */
    public Pepper {
        if (version < 1) {
            throw new InvalidConfigurationException("pepper version must be >= 1, got " + version);
        }
        if (secret == null || secret.length < 32) {
            throw new InvalidConfigurationException("pepper secret must be at least 32 bytes");
        }
        secret = secret.clone();
    }

    /** A copy of the secret. */
    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pepper p && p.version == version && java.security.MessageDigest.isEqual(p.secret, secret);
    }

    @Override
    public int hashCode() {
        return version;
    }

    /** Shows the version only. */
    @Override
    public String toString() {
        return "Pepper[v" + version + "]";
    }

    byte[] secretUnsafe() {
        return secret;
    }
}
