package dev.apikey.hazelcast.internal;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import dev.apikey.KeyRecord;

import java.time.Instant;
import java.util.Map;

/**
 * Sets a record's last-used time on its partition owner if the new time is later, and changes nothing else, not
 * even the version: the record it changes is the one stored at that moment, so a use noted before a revocation
 * cannot carry the earlier record back. Returns whether it changed the record. The backup receives the computed
 * record, not a re-run.
 */
public final class RecordUseProcessor implements EntryProcessor<String, KeyRecord, Boolean> {
    private static final long serialVersionUID = 1L;

    private final String id;
    private final long seconds;
    private final int nanos;
    private transient KeyRecord stored;

    /**
     * @param id the record's public id (an entry holding another id's record is left alone)
     * @param at when the key was accepted
     */
    public RecordUseProcessor(String id, Instant at) {
        this(id, at.getEpochSecond(), at.getNano());
    }

    private RecordUseProcessor(String id, long seconds, int nanos) {
        this.id = id;
        this.seconds = seconds;
        this.nanos = nanos;
    }

    @Override
    public Boolean process(Map.Entry<String, KeyRecord> entry) {
        KeyRecord current = entry.getValue();
        Instant at = Instant.ofEpochSecond(seconds, nanos);
        if (current == null || !current.id().equals(id)
                || (current.lastUsed() != null && !current.lastUsed().isBefore(at))) {
            return Boolean.FALSE;
        }
        stored = current.toBuilder().lastUsed(at).build();
        entry.setValue(stored);
        return Boolean.TRUE;
    }

    @Override
    public EntryProcessor<String, KeyRecord, Boolean> getBackupProcessor() {
        return stored == null ? null : BackupSetValue.<String, KeyRecord, Boolean>of(stored, -1);
    }

    /** {@link RecordUseProcessor} as type {@code apikey.RecordUseProcessor}. */
    static final class Serializer implements CompactSerializer<RecordUseProcessor> {
        @Override
        public RecordUseProcessor read(CompactReader in) {
            return new RecordUseProcessor(in.readString("id"), in.readInt64("seconds"), in.readInt32("nanos"));
        }

        @Override
        public void write(CompactWriter out, RecordUseProcessor p) {
            out.writeString("id", p.id);
            out.writeInt64("seconds", p.seconds);
            out.writeInt32("nanos", p.nanos);
        }

        @Override
        public String getTypeName() {
            return "apikey.RecordUseProcessor";
        }

        @Override
        public Class<RecordUseProcessor> getCompactClass() {
            return RecordUseProcessor.class;
        }
    }
}
