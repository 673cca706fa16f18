package dev.apikey;

/** Lifecycle status of a key record. */
public enum KeyStatus {
    /** The key may be used (subject to not-before and expiry). */
    ACTIVE,
    /** Temporarily disabled; {@link KeyManager#resume} makes it active again. */
    SUSPENDED,
    /** Permanently disabled. A tombstone: the record stays so no cache, replica or merge can bring the key back. */
    REVOKED
}
