package dev.apikey.store;

import dev.apikey.KeyDigest;
import dev.apikey.KeyRecord;
import dev.apikey.spi.DuplicateKeyException;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.StoreStatistics;
import dev.apikey.spi.VersionConflictException;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded default store: records in memory, looked up by digest in one hash-map probe. Updates are
 * atomic per record; an update is visible to every reader once {@link #update} returns.
 */
public final class InMemoryKeyStore implements KeyStore, StoreStatistics {
    private final ConcurrentHashMap<KeyDigest, KeyRecord> byDigest = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, KeyDigest> idToDigest = new ConcurrentHashMap<>();

    /** An empty store. */
    public InMemoryKeyStore() {
    }

    @Override
    public Optional<KeyRecord> findByDigest(KeyDigest digest) {
        return Optional.ofNullable(byDigest.get(digest));
    }

    /** The record for {@code digest}, or {@code null}; the allocation-free form of {@link #findByDigest}. */
    public KeyRecord get(KeyDigest digest) {
        return byDigest.get(digest);
    }

    @Override
    public Optional<KeyRecord> findById(String id) {
        KeyDigest d = id == null ? null : idToDigest.get(id);
        return d == null ? Optional.empty() : Optional.ofNullable(byDigest.get(d));
    }

    @Override
    public KeyRecord create(KeyRecord record) {
        KeyRecord stored = record.toBuilder().version(1).build();
        // Claim the id first, then the digest; undo the id claim if the digest is taken.
        if (idToDigest.putIfAbsent(record.id(), record.digest()) != null) {
            throw new DuplicateKeyException(record.id());
        }
        if (byDigest.putIfAbsent(record.digest(), stored) != null) {
            idToDigest.remove(record.id(), record.digest());
            throw new DuplicateKeyException(record.id());
        }
        return stored;
    }

    @Override
    public KeyRecord update(KeyRecord record) {
        KeyDigest d = idToDigest.get(record.id());
        if (d == null) {
            throw new VersionConflictException(record.id());
        }
        if (!d.equals(record.digest())) {
            throw new dev.apikey.InvalidConfigurationException("the digest of record " + record.id() + " cannot change");
        }
        KeyRecord[] out = new KeyRecord[1];
        byDigest.compute(d, (k, current) -> {
            if (current == null) {
                throw new VersionConflictException(record.id());
            }
            if (current.version() != record.version()) {
                throw new VersionConflictException(record.id(), record.version(), current.version());
            }
            out[0] = record.toBuilder().version(current.version() + 1).build();
            return out[0];
        });
        return out[0];
    }

    @Override
    public void recordUse(String id, Instant at) {
        Objects.requireNonNull(at, "at");
        KeyDigest d = id == null ? null : idToDigest.get(id);
        if (d == null) {
            return;
        }
        // On the current record, atomically: a copy read earlier could carry an older status back.
        byDigest.computeIfPresent(d, (k, current) -> current.id().equals(id)
                && (current.lastUsed() == null || current.lastUsed().isBefore(at))
                ? current.toBuilder().lastUsed(at).build() : current);
    }

    @Override
    public List<KeyRecord> list(KeyQuery query) {
        return query.page(byDigest.values());
    }

    /** Number of stored records (all statuses). */
    public int size() {
        return byDigest.size();
    }

    @Override
    public long recordCount() {
        return byDigest.size();
    }

    @Override
    public String toString() {
        return "InMemoryKeyStore[" + byDigest.size() + " records]";
    }
}
