package dev.apikey.spi;

import dev.apikey.KeyDigest;
import dev.apikey.KeyRecord;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where key records live. Implementations: the in-memory store, the file store, the Hazelcast store, the JDBC store.
 * Every store passes the contract suite in core's test-jar ({@code KeyStoreContract}).
 *
 * <p>Records are never deleted: revocation is a status change, so no cache or replica can bring a key back.
 * Every method throws {@link StoreUnavailableException} when the store cannot answer; "not found" is an
 * empty result, never an exception.
 */
public interface KeyStore {
    /** The record whose digest equals {@code digest}. This is the hot path: one lookup, no listing. */
    Optional<KeyRecord> findByDigest(KeyDigest digest);

    /** The record with public id {@code id}. */
    Optional<KeyRecord> findById(String id);

    /**
     * Stores a new record and returns it with version 1.
     *
     * @throws DuplicateKeyException if the id or the digest is already stored
     */
    KeyRecord create(KeyRecord record);

    /**
     * Replaces the stored record with the same id, if its stored version equals {@code record.version()},
     * and returns the stored record (version incremented). The digest of a record never changes.
     *
     * @throws VersionConflictException if the stored version differs or no record has this id
     */
    KeyRecord update(KeyRecord record);

    /**
     * Notes that the key with public id {@code id} was accepted at {@code at}: sets the stored record's
     * {@code lastUsed} to {@code at} if it is later, and changes nothing else, not even the version.
     * Last-used is advisory: it lives outside the versioned content, so it can neither win a version race
     * nor a merge, nor carry a stale copy of the record back into the store. An unknown id is ignored.
     *
     * @throws StoreUnavailableException if the store cannot answer
     */
    void recordUse(String id, Instant at);

    /**
     * Records matching {@code query}'s owner and tenant, in id order (by {@link String#compareTo}): those whose id
     * comes after {@link KeyQuery#after()}, at most {@link KeyQuery#limit()} when the query is paged.
     */
    List<KeyRecord> list(KeyQuery query);
}
