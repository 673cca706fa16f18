package dev.apikey.hazelcast.internal;

import dev.apikey.KeyRecord;

import java.time.Instant;
import java.util.Arrays;

/**
 * A key record as the registry stores it: the record and its MAC ({@link ClusterKeys#recordMac}), computed by
 * whoever created or changed the record on behalf of the application, so a member can tell a record made by a
 * holder of the cluster secret from one that was not. Immutable apart from a cache of a successful check.
 */
public final class SealedRecord {
    private final KeyRecord record;
    private final byte[] mac;
    // The last successful check: near caches hand out the same instance, so one check per instance suffices.
    private transient volatile Verified verified;

    private record Verified(ClusterKeys keys, String mapKey) {
    }

    /** A record with the MAC it came with (checked by {@link #verify}, never here). */
    public SealedRecord(KeyRecord record, byte[] mac) {
        this.record = record;
        this.mac = mac == null ? new byte[0] : mac.clone();
    }

    /** {@code record} with its MAC under its own digest. */
    public static SealedRecord seal(ClusterKeys keys, KeyRecord record) {
        return new SealedRecord(record, keys.recordMac(record.digest().encoded(), record));
    }

    /** The record, whether or not its MAC holds: callers check {@link #verify} first. */
    public KeyRecord record() {
        return record;
    }

    byte[] mac() {
        return mac.clone();
    }

    /** True if the MAC holds for this record stored under {@code mapKey}. */
    public boolean verify(ClusterKeys keys, String mapKey) {
        Verified v = verified;
        if (v != null && v.keys() == keys && v.mapKey().equals(mapKey)) {
            return true;
        }
        if (!record.digest().encoded().equals(mapKey) || !keys.verifyRecord(mapKey, record, mac)) {
            return false;
        }
        verified = new Verified(keys, mapKey);
        return true;
    }

    /** The same sealed content with another {@code lastUsed}, which the MAC does not cover. */
    SealedRecord withLastUsed(Instant lastUsed) {
        return new SealedRecord(record.toBuilder().lastUsed(lastUsed).build(), mac);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealedRecord s && s.record.equals(record) && Arrays.equals(s.mac, mac);
    }

    @Override
    public int hashCode() {
        return record.hashCode();
    }

    @Override
    public String toString() {
        return "SealedRecord[" + record.id() + " v" + record.version() + "]";
    }
}
