package dev.apikey.hazelcast.internal;

import com.hazelcast.map.EntryProcessor;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Replaces a record on its partition owner if the stored version is the one before the new record's: the
 * optimistic version check and the write are one atomic step. The new record comes sealed (its MAC covers its
 * new version), and {@link RegistryRules} hold: same id, higher version, a tombstone stays a tombstone.
 * Returns the stored version before the update ({@code null} if no valid record of this id is stored); the
 * caller knows the update applied when that is one less than its new version. The backup receives the
 * computed record, not a re-run.
 */
public final class UpdateRecordProcessor extends Authorised<String, Object, Long> {
    private static final long serialVersionUID = 1L;
    static final String TYPE = "apikey.UpdateRecordProcessor";

    private final SealedRecord next;
    private transient EntryProcessor<String, Object, Long> backup;

    UpdateRecordProcessor(SealedRecord next, long issuedAt, byte[] tag) {
        super(issuedAt, tag);
        this.next = next;
    }

    /** @param next the new record, sealed with its new version (one more than the expected stored version) */
    public static UpdateRecordProcessor of(ClusterKeys keys, String mapKey, SealedRecord next) {
        long now = System.currentTimeMillis();
        return new UpdateRecordProcessor(next, now, keys.tag(TYPE, mapKey, new UpdateRecordProcessor(next, now, null).signed()));
    }

    @Override
    String type() {
        return TYPE;
    }

    @Override
    Canonical arguments() {
        return StoredValues.describe(new Canonical(TYPE), next);
    }

    SealedRecord next() {
        return next;
    }

    @Override
    public Long process(Map.Entry<String, Object> entry) {
        ClusterKeys keys = authorise(entry.getKey());
        if (!(entry.getValue() instanceof SealedRecord current) || !current.verify(keys, entry.getKey())
                || !current.record().id().equals(next.record().id())) {
            return null;
        }
        long prior = current.record().version();
        if (prior + 1 == next.record().version()) {
            // lastUsed is not versioned: keep the later of the two.
            Instant keep = LastUsed.later(next.record().lastUsed(), current.record().lastUsed());
            SealedRecord stored = Objects.equals(keep, next.record().lastUsed()) ? next : next.withLastUsed(keep);
            RegistryRules.checkReplacement(keys, entry.getKey(), current, stored);
            setWithTtl(entry, stored, -1);
            backup = BackupSetValue.of(keys, entry.getKey(), stored, -1);
        }
        return prior;
    }

    @Override
    public EntryProcessor<String, Object, Long> getBackupProcessor() {
        return backup;
    }
}
