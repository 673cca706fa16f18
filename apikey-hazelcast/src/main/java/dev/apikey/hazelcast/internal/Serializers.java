package dev.apikey.hazelcast.internal;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;

import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Compact serializers for everything the module puts into Hazelcast: sealed records ({@link RecordSerializer}),
 * rate-limit state and the entry processors (each with its tag). Type names and field names are
 * explicit and stable; a new field may be added (Compact keeps old readers working), a field is never renamed.
 * No Java serialization is involved, and {@code ApiKeyHazelcast} refuses it on the cluster.
 */
public final class Serializers {
    private Serializers() {
    }

    /** Every serializer; register all of them on members and clients. */
    public static List<CompactSerializer<?>> all() {
        return List.of(new RecordSerializer(),
                of(RateState.class, "apikey.RateState",
                        in -> new RateState(in.readString("policy"), in.readArrayOfInt64("tats")),
                        (out, s) -> {
                            out.writeString("policy", s.policy());
                            out.writeArrayOfInt64("tats", s.tats());
                        }),
                of(UpdateRecordProcessor.class, UpdateRecordProcessor.TYPE,
                        in -> new UpdateRecordProcessor(in.readCompact("record"), issuedAt(in), tag(in)),
                        (out, p) -> {
                            out.writeCompact("record", p.next());
                            tag(out, p);
                        }),
                of(GcraProcessor.class, GcraProcessor.TYPE,
                        in -> new GcraProcessor(in.readString("policy"), in.readInt64("nowNanos"), in.readInt32("permits"),
                                issuedAt(in), tag(in)),
                        (out, p) -> {
                            out.writeString("policy", p.policy());
                            out.writeInt64("nowNanos", p.nowNanos());
                            out.writeInt32("permits", p.permits());
                            tag(out, p);
                        }),
                of(CounterProcessor.class, CounterProcessor.TYPE,
                        in -> new CounterProcessor(in.readInt64("limit"), in.readInt64("expiresAtMillis"), issuedAt(in),
                                tag(in)),
                        (out, p) -> {
                            out.writeInt64("limit", p.limit());
                            out.writeInt64("expiresAtMillis", p.expiresAtMillis());
                            tag(out, p);
                        }),
                of(BackupSetValue.class, BackupSetValue.TYPE,
                        in -> new BackupSetValue(readValue(in), in.readInt64("ttlMillis"), issuedAt(in), tag(in)),
                        (out, p) -> {
                            writeValue(out, p.value());
                            out.writeInt64("ttlMillis", p.ttlMillis());
                            tag(out, p);
                        }),
                of(PutIfAbsentProcessor.class, PutIfAbsentProcessor.TYPE,
                        in -> new PutIfAbsentProcessor(readValue(in), issuedAt(in), tag(in)),
                        (out, p) -> {
                            writeValue(out, p.value());
                            tag(out, p);
                        }),
                of(RecordUseProcessor.class, RecordUseProcessor.TYPE,
                        in -> new RecordUseProcessor(in.readString("id"),
                                Instant.ofEpochSecond(in.readInt64("atSeconds"), in.readInt32("atNanos")), issuedAt(in),
                                tag(in)),
                        (out, p) -> {
                            out.writeString("id", p.id());
                            out.writeInt64("atSeconds", p.at().getEpochSecond());
                            out.writeInt32("atNanos", p.at().getNano());
                            tag(out, p);
                        }));
    }

    private static long issuedAt(CompactReader in) {
        return in.readInt64("issuedAt");
    }

    private static byte[] tag(CompactReader in) {
        return in.readArrayOfInt8("tag");
    }

    /** The fields every processor has: when it was issued and its tag. */
    private static void tag(CompactWriter out, Authorised<?, ?, ?> p) {
        out.writeInt64("issuedAt", p.issuedAt());
        out.writeArrayOfInt8("tag", p.tag());
    }

    /** One of the values an apikey map stores: exactly one of the value fields is set. */
    private static Object readValue(CompactReader in) {
        Object record = in.readCompact("record");
        Object state = in.readCompact("state");
        Long count = in.readNullableInt64("count");
        String text = in.readString("text");
        return record != null ? record : state != null ? state : count != null ? count : text;
    }

    private static void writeValue(CompactWriter out, Object v) {
        out.writeCompact("record", v instanceof SealedRecord ? v : null);
        out.writeCompact("state", v instanceof RateState ? v : null);
        out.writeNullableInt64("count", v instanceof Long l ? l : null);
        out.writeString("text", v instanceof String t ? t : null);
    }

    private static <T> CompactSerializer<T> of(Class<T> type, String typeName, Function<CompactReader, T> read,
            BiConsumer<CompactWriter, T> write) {
        return new CompactSerializer<>() {
            @Override
            public T read(CompactReader in) {
                return read.apply(in);
            }

            @Override
            public void write(CompactWriter out, T value) {
                write.accept(out, value);
            }

            @Override
            public String getTypeName() {
                return typeName;
            }

            @Override
            public Class<T> getCompactClass() {
                return type;
            }
        };
    }
}
