package dev.apikey.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import dev.apikey.KeyRecord;
import dev.apikey.hazelcast.internal.ClusterKeys;
import dev.apikey.hazelcast.internal.GcraProcessor;
import dev.apikey.hazelcast.internal.RateState;
import dev.apikey.hazelcast.internal.SealedRecord;
import dev.apikey.hazelcast.internal.Serializers;
import dev.apikey.hazelcast.internal.UpdateRecordProcessor;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What an attacker without the cluster secret can build with the project's public classes and serializers. */
final class Forgery {
    private static final String BACKUP_TYPE = "apikey.BackupSetValue";
    /** Not the cluster's secret: what the attacker tags and seals with. */
    private static final byte[] GUESSED_SECRET = new byte[32];

    private Forgery() {
    }

    /**
     * The project's serializers, except that the backup processor's type is written by a look-alike: the member
     * reads it as the project's own backup processor.
     */
    static List<CompactSerializer<?>> serializers() {
        List<CompactSerializer<?>> out = new ArrayList<>();
        for (CompactSerializer<?> s : Serializers.all()) {
            if (!s.getTypeName().equals(BACKUP_TYPE)) {
                out.add(s);
            }
        }
        out.add(new LookAlikeSerializer());
        return out;
    }

    /** A record the attacker made up, "sealed" with a MAC of its own invention. */
    static Object sealed(KeyRecord record) {
        byte[] garbage = new byte[32];
        new SecureRandom().nextBytes(garbage);
        return new SealedRecord(record, garbage);
    }

    /** A rate-limit state with every limit unused. */
    static Object freshRateState(Object spent) {
        RateState s = (RateState) spent;
        return new RateState(s.policy(), new long[s.tats().length]);
    }

    /** The project's own GCRA processor with a made-up policy: the stored state would start afresh. */
    static EntryProcessor<String, Object, Object> resettingProcessor() {
        return cast(GcraProcessor.of(ClusterKeys.of(GUESSED_SECRET), "any", "1000000/1d", System.nanoTime(), 1));
    }

    /** The project's own update processor with a record the attacker edited. */
    static EntryProcessor<String, Object, Object> update(KeyRecord edited) {
        ClusterKeys guess = ClusterKeys.of(GUESSED_SECRET);
        String key = edited.digest().encoded();
        KeyRecord next = edited.toBuilder().version(edited.version() + 1).build();
        return cast(UpdateRecordProcessor.of(guess, key, SealedRecord.seal(guess, next)));
    }

    /** The project's backup processor (as the look-alike) setting a counter. */
    static EntryProcessor<String, Object, Object> backupSetCount(long count) {
        return new LookAlike(count);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static EntryProcessor<String, Object, Object> cast(EntryProcessor p) {
        return p;
    }

    /** Never runs here: the member deserializes it as the project's backup processor. */
    static final class LookAlike implements EntryProcessor<String, Object, Object> {
        final long count;

        LookAlike(long count) {
            this.count = count;
        }

        @Override
        public Object process(Map.Entry<String, Object> entry) {
            throw new IllegalStateException("runs on the member as the project's class");
        }
    }

    static final class LookAlikeSerializer implements CompactSerializer<LookAlike> {
        @Override
        public LookAlike read(CompactReader in) {
            return new LookAlike(in.readNullableInt64("count"));
        }

        @Override
        public void write(CompactWriter out, LookAlike p) {
            out.writeCompact("record", null);
            out.writeCompact("state", null);
            out.writeNullableInt64("count", p.count);
            out.writeString("text", null);
            out.writeInt64("ttlMillis", -1);
            out.writeInt64("issuedAt", System.currentTimeMillis());
            out.writeArrayOfInt8("tag", new byte[32]);
        }

        @Override
        public String getTypeName() {
            return BACKUP_TYPE;
        }

        @Override
        public Class<LookAlike> getCompactClass() {
            return LookAlike.class;
        }
    }
}
