package dev.apikey.hazelcast.internal;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The backup side of every apikey entry processor: it stores the value the primary computed (with its TTL),
 * so a backup never re-runs a rate-limit or counter algorithm.
 */
public final class BackupSetValue implements EntryProcessor<Object, Object, Object> {
    private static final long serialVersionUID = 1L;

    private final Object value;
    private final long ttlMillis;

    BackupSetValue(Object value, long ttlMillis) {
        this.value = value;
        this.ttlMillis = ttlMillis;
    }

    /** A backup processor that sets {@code value}; {@code ttlMillis <= 0} keeps the entry's expiry as it is. */
    @SuppressWarnings("unchecked")
    static <K, V, R> EntryProcessor<K, V, R> of(Object value, long ttlMillis) {
        return (EntryProcessor<K, V, R>) (EntryProcessor<?, ?, ?>) new BackupSetValue(value, ttlMillis);
    }

    Object value() {
        return value;
    }

    long ttlMillis() {
        return ttlMillis;
    }

    @Override
    public Object process(Map.Entry<Object, Object> entry) {
        if (ttlMillis > 0 && entry instanceof ExtendedMapEntry<Object, Object> extended) {
            extended.setValue(value, ttlMillis, TimeUnit.MILLISECONDS);
        } else {
            entry.setValue(value);
        }
        return null;
    }

    @Override
    public EntryProcessor<Object, Object, Object> getBackupProcessor() {
        return null;
    }
}
