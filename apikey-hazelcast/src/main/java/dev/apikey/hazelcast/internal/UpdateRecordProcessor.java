package dev.apikey.hazelcast.internal;

import com.hazelcast.map.EntryProcessor;
import dev.apikey.KeyRecord;

import java.util.Map;

/**
 * Replaces a record on its partition owner if the stored version is the expected one: the optimistic
 * version check and the write are one atomic step. Returns the stored version before the update ({@code null}
 * if no record of this id is stored); the caller knows the update applied when that equals the version it
 * expected. The backup receives the computed record, not a re-run.
 */
public final class UpdateRecordProcessor implements EntryProcessor<String, KeyRecord, Long> {
    private static final long serialVersionUID = 1L;

    private final KeyRecord record;
    private transient KeyRecord stored;

    /** @param record the new record; its version is the one expected in the store */
    public UpdateRecordProcessor(KeyRecord record) {
        this.record = record;
    }

    KeyRecord record() {
        return record;
    }

    @Override
    public Long process(Map.Entry<String, KeyRecord> entry) {
        KeyRecord current = entry.getValue();
        if (current == null || !current.id().equals(record.id())) {
            return null;
        }
        long prior = current.version();
        if (prior == record.version()) {
            stored = record.toBuilder().version(prior + 1).build();
            entry.setValue(stored);
        }
        return prior;
    }

    @Override
    public EntryProcessor<String, KeyRecord, Long> getBackupProcessor() {
        return stored == null ? null : BackupSetValue.<String, KeyRecord, Long>of(stored, -1);
    }
}
