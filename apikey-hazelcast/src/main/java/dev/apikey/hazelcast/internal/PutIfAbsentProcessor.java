package dev.apikey.hazelcast.internal;

import com.hazelcast.map.EntryProcessor;

import java.util.Map;

/**
 * Stores a value (a key record or an id's digest) only if the key is free; returns true if it did. An
 * entry processor because this IMap offers no asynchronous put-if-absent, and every call must be bounded.
 */
public final class PutIfAbsentProcessor implements EntryProcessor<String, Object, Boolean> {
    private static final long serialVersionUID = 1L;

    private final Object value;
    private transient boolean stored;

    /** @param value a {@code KeyRecord} or a {@code String} */
    public PutIfAbsentProcessor(Object value) {
        this.value = value;
    }

    Object value() {
        return value;
    }

    @Override
    public Boolean process(Map.Entry<String, Object> entry) {
        if (entry.getValue() != null) {
            return Boolean.FALSE;
        }
        entry.setValue(value);
        stored = true;
        return Boolean.TRUE;
    }

    @Override
    public EntryProcessor<String, Object, Boolean> getBackupProcessor() {
        return stored ? BackupSetValue.<String, Object, Boolean>of(value, -1) : null;
    }
}
