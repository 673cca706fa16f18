package dev.apikey.hazelcast.internal;

import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import dev.apikey.Cidr;
import dev.apikey.Environment;
import dev.apikey.KeyDigest;
import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import dev.apikey.Quota;
import dev.apikey.RateLimitPolicy;
import dev.apikey.ScopeSet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compact serializers for everything the module puts into Hazelcast: records, rate-limit state and the
 * entry processors. Type names and field names are explicit and stable; a new field may be added (Compact
 * keeps old readers working), a field is never renamed. No Java serialization is involved.
 */
public final class Serializers {
    private Serializers() {
    }

    /** Every serializer; register all of them on members and clients. */
    public static List<CompactSerializer<?>> all() {
        return List.of(new KeyRecordSerializer(), new RateStateSerializer(), new UpdateRecordSerializer(),
                new GcraSerializer(), new CounterSerializer(), new BackupSetValueSerializer(),
                new PutIfAbsentSerializer(), new RecordUseProcessor.Serializer());
    }

    /** {@link KeyRecord} as type {@code apikey.KeyRecord}. */
    static final class KeyRecordSerializer implements CompactSerializer<KeyRecord> {
        @Override
        public KeyRecord read(CompactReader in) {
            String[] labelNames = in.readArrayOfString("labelNames");
            String[] labelValues = in.readArrayOfString("labelValues");
            Map<String, String> labels = new LinkedHashMap<>();
            for (int i = 0; i < labelNames.length; i++) {
                labels.put(labelNames[i], labelValues[i]);
            }
            List<Cidr> cidrs = new ArrayList<>();
            for (String c : in.readArrayOfString("allowedCidrs")) {
                cidrs.add(Cidr.parse(c));
            }
            String policy = in.readString("rateLimitPolicy");
            String quota = in.readString("quota");
            return KeyRecord.builder()
                    .id(in.readString("id"))
                    .digest(KeyDigest.parse(in.readString("digest")))
                    .hint(in.readString("hint"))
                    .owner(in.readString("owner"))
                    .tenant(in.readString("tenant"))
                    .environment(Environment.valueOf(in.readString("environment")))
                    .scopes(ScopeSet.parse(Arrays.asList(in.readArrayOfString("scopes"))))
                    .allowedCidrs(cidrs)
                    .created(readInstant(in, "created"))
                    .notBefore(readInstant(in, "notBefore"))
                    .expires(readInstant(in, "expires"))
                    .status(KeyStatus.valueOf(in.readString("status")))
                    .rateLimitPolicy(policy == null ? null : RateLimitPolicy.parse(policy))
                    .quota(quota == null ? null : Quota.parse(quota))
                    .credits(in.readNullableInt64("credits"))
                    .labels(labels)
                    .lastUsed(readInstant(in, "lastUsed"))
                    .replaces(in.readString("replaces"))
                    .replacedBy(in.readString("replacedBy"))
                    // Records written before the field existed have none: their lineage is their own id.
                    .lineage(in.getFieldKind("lineage") == FieldKind.STRING ? in.readString("lineage") : null)
                    .version(in.readInt64("version"))
                    .build();
        }

        @Override
        public void write(CompactWriter out, KeyRecord r) {
            out.writeString("id", r.id());
            out.writeString("digest", r.digest().encoded());
            out.writeString("hint", r.hint());
            out.writeString("owner", r.owner());
            out.writeString("tenant", r.tenant());
            out.writeString("environment", r.environment().name());
            out.writeArrayOfString("scopes", r.scopes().names().toArray(new String[0]));
            out.writeArrayOfString("allowedCidrs", r.allowedCidrs().stream().map(Cidr::value).toArray(String[]::new));
            writeInstant(out, "created", r.created());
            writeInstant(out, "notBefore", r.notBefore());
            writeInstant(out, "expires", r.expires());
            out.writeString("status", r.status().name());
            out.writeString("rateLimitPolicy", r.rateLimitPolicy() == null ? null : r.rateLimitPolicy().toString());
            out.writeString("quota", r.quota() == null ? null : r.quota().toString());
            out.writeNullableInt64("credits", r.credits());
            out.writeArrayOfString("labelNames", r.labels().keySet().toArray(new String[0]));
            out.writeArrayOfString("labelValues", r.labels().values().toArray(new String[0]));
            writeInstant(out, "lastUsed", r.lastUsed());
            out.writeString("replaces", r.replaces());
            out.writeString("replacedBy", r.replacedBy());
            out.writeString("lineage", r.lineage().equals(r.id()) ? null : r.lineage());
            out.writeInt64("version", r.version());
        }

        private static void writeInstant(CompactWriter out, String name, Instant t) {
            out.writeNullableInt64(name + "Seconds", t == null ? null : t.getEpochSecond());
            out.writeInt32(name + "Nanos", t == null ? 0 : t.getNano());
        }

        private static Instant readInstant(CompactReader in, String name) {
            Long s = in.readNullableInt64(name + "Seconds");
            return s == null ? null : Instant.ofEpochSecond(s, in.readInt32(name + "Nanos"));
        }

        @Override
        public String getTypeName() {
            return "apikey.KeyRecord";
        }

        @Override
        public Class<KeyRecord> getCompactClass() {
            return KeyRecord.class;
        }
    }

    /** {@link RateState} as type {@code apikey.RateState}. */
    static final class RateStateSerializer implements CompactSerializer<RateState> {
        @Override
        public RateState read(CompactReader in) {
            return new RateState(in.readString("policy"), in.readArrayOfInt64("tats"));
        }

        @Override
        public void write(CompactWriter out, RateState s) {
            out.writeString("policy", s.policy());
            out.writeArrayOfInt64("tats", s.tats());
        }

        @Override
        public String getTypeName() {
            return "apikey.RateState";
        }

        @Override
        public Class<RateState> getCompactClass() {
            return RateState.class;
        }
    }

    /** {@link UpdateRecordProcessor} as type {@code apikey.UpdateRecordProcessor}. */
    static final class UpdateRecordSerializer implements CompactSerializer<UpdateRecordProcessor> {
        @Override
        public UpdateRecordProcessor read(CompactReader in) {
            return new UpdateRecordProcessor(in.readCompact("record"));
        }

        @Override
        public void write(CompactWriter out, UpdateRecordProcessor p) {
            out.writeCompact("record", p.record());
        }

        @Override
        public String getTypeName() {
            return "apikey.UpdateRecordProcessor";
        }

        @Override
        public Class<UpdateRecordProcessor> getCompactClass() {
            return UpdateRecordProcessor.class;
        }
    }

    /** {@link GcraProcessor} as type {@code apikey.GcraProcessor}. */
    static final class GcraSerializer implements CompactSerializer<GcraProcessor> {
        @Override
        public GcraProcessor read(CompactReader in) {
            return new GcraProcessor(in.readString("policy"), in.readInt64("nowNanos"), in.readInt32("permits"));
        }

        @Override
        public void write(CompactWriter out, GcraProcessor p) {
            out.writeString("policy", p.policy());
            out.writeInt64("nowNanos", p.nowNanos());
            out.writeInt32("permits", p.permits());
        }

        @Override
        public String getTypeName() {
            return "apikey.GcraProcessor";
        }

        @Override
        public Class<GcraProcessor> getCompactClass() {
            return GcraProcessor.class;
        }
    }

    /** {@link CounterProcessor} as type {@code apikey.CounterProcessor}. */
    static final class CounterSerializer implements CompactSerializer<CounterProcessor> {
        @Override
        public CounterProcessor read(CompactReader in) {
            return new CounterProcessor(in.readInt64("limit"), in.readInt64("expiresAtMillis"));
        }

        @Override
        public void write(CompactWriter out, CounterProcessor p) {
            out.writeInt64("limit", p.limit());
            out.writeInt64("expiresAtMillis", p.expiresAtMillis());
        }

        @Override
        public String getTypeName() {
            return "apikey.CounterProcessor";
        }

        @Override
        public Class<CounterProcessor> getCompactClass() {
            return CounterProcessor.class;
        }
    }

    /** {@link BackupSetValue} as type {@code apikey.BackupSetValue}: exactly one of the value fields is set. */
    static final class BackupSetValueSerializer implements CompactSerializer<BackupSetValue> {
        @Override
        public BackupSetValue read(CompactReader in) {
            Object record = in.readCompact("record");
            Object state = in.readCompact("state");
            Long count = in.readNullableInt64("count");
            String text = in.readString("text");
            Object value = record != null ? record : state != null ? state : count != null ? count : text;
            return new BackupSetValue(value, in.readInt64("ttlMillis"));
        }

        @Override
        public void write(CompactWriter out, BackupSetValue p) {
            Object v = p.value();
            out.writeCompact("record", v instanceof KeyRecord ? v : null);
            out.writeCompact("state", v instanceof RateState ? v : null);
            out.writeNullableInt64("count", v instanceof Long l ? l : null);
            out.writeString("text", v instanceof String t ? t : null);
            out.writeInt64("ttlMillis", p.ttlMillis());
        }

        @Override
        public String getTypeName() {
            return "apikey.BackupSetValue";
        }

        @Override
        public Class<BackupSetValue> getCompactClass() {
            return BackupSetValue.class;
        }
    }

    /** {@link PutIfAbsentProcessor} as type {@code apikey.PutIfAbsentProcessor}: a record or a text value. */
    static final class PutIfAbsentSerializer implements CompactSerializer<PutIfAbsentProcessor> {
        @Override
        public PutIfAbsentProcessor read(CompactReader in) {
            Object record = in.readCompact("record");
            return new PutIfAbsentProcessor(record != null ? record : in.readString("text"));
        }

        @Override
        public void write(CompactWriter out, PutIfAbsentProcessor p) {
            Object v = p.value();
            out.writeCompact("record", v instanceof KeyRecord ? v : null);
            out.writeString("text", v instanceof String t ? t : null);
        }

        @Override
        public String getTypeName() {
            return "apikey.PutIfAbsentProcessor";
        }

        @Override
        public Class<PutIfAbsentProcessor> getCompactClass() {
            return PutIfAbsentProcessor.class;
        }
    }
}
