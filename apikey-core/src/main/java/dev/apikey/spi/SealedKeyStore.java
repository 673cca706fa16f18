package dev.apikey.spi;

import dev.apikey.KeyDigest;
import dev.apikey.KeyRecord;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A {@link KeyStore} that keeps, beside each record, an opaque seal written by a layer above it, so that layer can
 * later tell its own records from rows changed behind its back. The Hazelcast cluster keeps its record MACs here
 * when a database backs the registry (docs/CLUSTER-TRUST.md, "A durable cluster"); the store never interprets
 * the seal. Implementations: {@code JdbcKeyStore}.
 *
 * <p>Instants are kept to the microsecond: a layer that seals records must seal them cut to the microsecond,
 * or the seal will not match what is read back.
 */
public interface SealedKeyStore extends KeyStore {
    /** A stored record and the seal stored with it (empty when the row has none). */
    record Sealed(KeyRecord record, byte[] seal) {
        /** Copies the seal. */
        public Sealed {
            seal = seal == null ? new byte[0] : seal.clone();
        }

        /** A copy of the seal. */
        @Override
        public byte[] seal() {
            return seal.clone();
        }
    }

    /** The record with digest {@code digest} and its seal. */
    Optional<Sealed> findSealed(KeyDigest digest);

    /** The records of those of {@code digests} that are stored, with their seals, in no particular order. */
    List<Sealed> findSealed(Collection<KeyDigest> digests);

    /** The digest of every stored record, tombstones included. */
    List<KeyDigest> digests();

    /**
     * Writes {@code record} exactly as given, version included, with {@code seal}: a version-1 record that is
     * not stored is inserted; otherwise the stored record of the same id and digest is replaced if its version
     * is {@code record.version() - 1} (a change) or {@code record.version()} (a new last-used, or the same write
     * again). A stored revoked record stays revoked. {@code lastUsed} never moves back.
     *
     * @throws VersionConflictException if the stored record is at another version, or is revoked and the
     *                                  record is not
     * @throws DuplicateKeyException    if a version-1 record's id or digest belongs to another record
     */
    void putSealed(KeyRecord record, byte[] seal);
}
