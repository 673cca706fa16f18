package dev.apikey.hazelcast.internal;

import com.hazelcast.map.MapStore;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyDigest;
import dev.apikey.KeyRecord;
import dev.apikey.spi.SealedKeyStore;
import dev.apikey.spi.SealedKeyStore.Sealed;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Backs the registry with a {@link SealedKeyStore} (a database): every record and tombstone is written through,
 * with its MAC, before the write that made it completes, and read back with the MAC it was stored with, so a row
 * changed without the cluster secret fails its check like a forged record. Rows are never deleted.
 *
 * <p>Hazelcast calls {@link #store} on the partition owner before it commits the new value in memory, and an
 * exception fails the entry processor: a write the database refuses leaves the map unchanged and fails the
 * admin call. The exception thrown is a plain {@link IllegalStateException} without a cause, so it can cross
 * members (who refuse Java deserialization of non-JDK classes) and never carries a database value.
 */
public final class RegistryMapStore implements MapStore<String, SealedRecord> {
    private final SealedKeyStore store;

    /** Writes to and loads from {@code store}. */
    public RegistryMapStore(SealedKeyStore store) {
        this.store = store;
    }

    @Override
    public void store(String key, SealedRecord value) {
        KeyRecord r = value.record();
        if (!r.digest().encoded().equals(key) || !Micros.exact(r)) {
            // Sealed over nanoseconds, the MAC would not hold for the row read back (timestamptz keeps micros).
            throw new IllegalStateException("apikey: record " + r.id() + " was not sealed for a backing store"
                    + " (its map key or its instants do not match what the store keeps); nothing written");
        }
        try {
            store.putSealed(r, value.mac());
        } catch (RuntimeException e) {
            throw new IllegalStateException("apikey: the backing store did not take record " + r.id() + " v"
                    + r.version() + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + "); nothing changed");
        }
    }

    @Override
    public void storeAll(Map<String, SealedRecord> map) {
        map.forEach(this::store);
    }

    /** Never deletes: a row, and above all a tombstone, outlives any entry removed from the map. */
    @Override
    public void delete(String key) {
    }

    /** Never deletes (see {@link #delete}). */
    @Override
    public void deleteAll(Collection<String> keys) {
    }

    /** The stored record of digest {@code key} with its stored MAC, or null (one indexed lookup). */
    @Override
    public SealedRecord load(String key) {
        KeyDigest digest = digest(key);
        return digest == null ? null : store.findSealed(digest).map(RegistryMapStore::sealed).orElse(null);
    }

    @Override
    public Map<String, SealedRecord> loadAll(Collection<String> keys) {
        List<KeyDigest> digests = new ArrayList<>(keys.size());
        for (String k : keys) {
            KeyDigest d = digest(k);
            if (d != null) {
                digests.add(d);
            }
        }
        Map<String, SealedRecord> out = new HashMap<>();
        for (Sealed s : store.findSealed(digests)) {
            out.put(s.record().digest().encoded(), sealed(s));
        }
        return out;
    }

    /** Every digest in the store: a cluster that starts from nothing loads every record and tombstone. */
    @Override
    public Iterable<String> loadAllKeys() {
        List<String> out = new ArrayList<>();
        for (KeyDigest d : store.digests()) {
            out.add(d.encoded());
        }
        return out;
    }

    private static SealedRecord sealed(Sealed s) {
        return new SealedRecord(s.record(), s.seal());
    }

    private static KeyDigest digest(String key) {
        try {
            return KeyDigest.parse(key);
        } catch (InvalidConfigurationException | IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "RegistryMapStore[" + store + "]";
    }
}
