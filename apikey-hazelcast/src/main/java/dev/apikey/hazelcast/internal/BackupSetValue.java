package dev.apikey.hazelcast.internal;

import com.hazelcast.map.EntryProcessor;

import java.util.Map;

/**
 * The backup side of every apikey entry processor: it stores the value the primary computed (with its TTL),
 * so a backup never re-runs a rate-limit or counter algorithm. The primary tags it like any processor, since
 * a client could send one as a primary processor; a registry record must moreover carry a valid MAC and may
 * neither go back to an earlier version nor leave a tombstone.
 */
public final class BackupSetValue extends Authorised<Object, Object, Object> {
    private static final long serialVersionUID = 1L;
    static final String TYPE = "apikey.BackupSetValue";

    private final Object value;
    private final long ttlMillis;

    BackupSetValue(Object value, long ttlMillis, long issuedAt, byte[] tag) {
        super(issuedAt, tag);
        this.value = value;
        this.ttlMillis = ttlMillis;
    }

    /** A tagged backup processor that sets {@code value}; {@code ttlMillis <= 0} keeps the entry's expiry. */
    @SuppressWarnings("unchecked")
    static <K, V, R> EntryProcessor<K, V, R> of(ClusterKeys keys, Object mapKey, Object value, long ttlMillis) {
        long now = System.currentTimeMillis();
        BackupSetValue unsigned = new BackupSetValue(value, ttlMillis, now, null);
        return (EntryProcessor<K, V, R>) (EntryProcessor<?, ?, ?>) new BackupSetValue(value, ttlMillis, now,
                keys.tag(TYPE, mapKey, unsigned.signed()));
    }

    @Override
    String type() {
        return TYPE;
    }

    @Override
    Canonical arguments() {
        return StoredValues.describe(new Canonical(TYPE), value).field("ttl", ttlMillis);
    }

    Object value() {
        return value;
    }

    long ttlMillis() {
        return ttlMillis;
    }

    @Override
    public Object process(Map.Entry<Object, Object> entry) {
        ClusterKeys keys = authorise(entry.getKey());
        if (value instanceof SealedRecord next) {
            RegistryRules.checkReplacement(keys, (String) entry.getKey(), entry.getValue(), next);
        }
        // Backup replicas pass the write through the map's interceptors too, so the guard must let it by.
        setWithTtl(entry, value, ttlMillis);
        return null;
    }

    @Override
    public EntryProcessor<Object, Object, Object> getBackupProcessor() {
        return null;
    }
}
