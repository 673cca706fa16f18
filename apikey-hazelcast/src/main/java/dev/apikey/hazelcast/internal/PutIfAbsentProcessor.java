package dev.apikey.hazelcast.internal;

import com.hazelcast.map.EntryProcessor;

import java.util.Map;

/**
 * Stores a value (a sealed key record, or an id's digest) only if the key is free; returns true if it did, or if the
 * key already holds this very value (so a retried write is not mistaken for a duplicate). An
 * entry processor because this IMap offers no asynchronous put-if-absent, and every call must be bounded.
 * Tagged; a record must moreover carry a valid MAC for this key and be a first version.
 */
public final class PutIfAbsentProcessor extends Authorised<String, Object, Boolean> {
    private static final long serialVersionUID = 1L;
    static final String TYPE = "apikey.PutIfAbsentProcessor";

    private final Object value;
    private transient EntryProcessor<String, Object, Boolean> backup;

    PutIfAbsentProcessor(Object value, long issuedAt, byte[] tag) {
        super(issuedAt, tag);
        this.value = value;
    }

    /** @param value a {@code SealedRecord} or a {@code String}, to be stored under {@code mapKey} */
    public static PutIfAbsentProcessor of(ClusterKeys keys, String mapKey, Object value) {
        long now = System.currentTimeMillis();
        return new PutIfAbsentProcessor(value, now, keys.tag(TYPE, mapKey, new PutIfAbsentProcessor(value, now, null).signed()));
    }

    @Override
    String type() {
        return TYPE;
    }

    @Override
    Canonical arguments() {
        return StoredValues.describe(new Canonical(TYPE), value);
    }

    Object value() {
        return value;
    }

    @Override
    public Boolean process(Map.Entry<String, Object> entry) {
        ClusterKeys keys = authorise(entry.getKey());
        if (entry.getValue() != null) {
            // The very value this write would store means the write already happened: Hazelcast ran it again (a
            // retried invocation), or a backing store loaded the row it wrote through. Any other value is a duplicate.
            return entry.getValue().equals(value);
        }
        if (value instanceof SealedRecord s && (!s.verify(keys, entry.getKey()) || s.record().version() != 1)) {
            throw new WriteRefusedException("a new registry record must be a sealed first version");
        }
        setWithTtl(entry, value, -1);
        backup = BackupSetValue.of(keys, entry.getKey(), value, -1);
        return Boolean.TRUE;
    }

    @Override
    public EntryProcessor<String, Object, Boolean> getBackupProcessor() {
        return backup;
    }
}
