package dev.apikey.hazelcast.internal;

import com.hazelcast.map.EntryProcessor;

import java.time.Instant;
import java.util.Map;

/**
 * Notes a use of a key on its partition owner: sets the record's {@code lastUsed} to the given instant if that
 * is later, and changes nothing else, not even the version, so the MAC (which leaves lastUsed out) stays
 * valid. A record whose MAC fails, or a missing one, is left alone.
 */
public final class RecordUseProcessor extends Authorised<String, Object, Boolean> {
    private static final long serialVersionUID = 1L;
    static final String TYPE = "apikey.RecordUseProcessor";

    private final String id;
    private final Instant at;
    private transient EntryProcessor<String, Object, Boolean> backup;

    RecordUseProcessor(String id, Instant at, long issuedAt, byte[] tag) {
        super(issuedAt, tag);
        this.id = id;
        this.at = at;
    }

    /** @param id the key id the record must have; @param at when the key was accepted */
    public static RecordUseProcessor of(ClusterKeys keys, String mapKey, String id, Instant at) {
        long now = System.currentTimeMillis();
        return new RecordUseProcessor(id, at, now, keys.tag(TYPE, mapKey, new RecordUseProcessor(id, at, now, null).signed()));
    }

    @Override
    String type() {
        return TYPE;
    }

    @Override
    Canonical arguments() {
        return new Canonical(TYPE).field("id", id).field("at", at);
    }

    String id() {
        return id;
    }

    Instant at() {
        return at;
    }

    @Override
    public Boolean process(Map.Entry<String, Object> entry) {
        ClusterKeys keys = authorise(entry.getKey());
        if (!(entry.getValue() instanceof SealedRecord current) || !current.verify(keys, entry.getKey())
                || !current.record().id().equals(id)) {
            return Boolean.FALSE;
        }
        Instant was = current.record().lastUsed();
        if (was != null && !at.isAfter(was)) {
            return Boolean.FALSE;
        }
        SealedRecord stored = current.withLastUsed(at);
        setWithTtl(entry, stored, -1);
        backup = BackupSetValue.of(keys, entry.getKey(), stored, -1);
        return Boolean.TRUE;
    }

    @Override
    public EntryProcessor<String, Object, Boolean> getBackupProcessor() {
        return backup;
    }
}
