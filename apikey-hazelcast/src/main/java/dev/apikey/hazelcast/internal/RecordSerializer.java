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
import dev.apikey.Per;
import dev.apikey.Quota;
import dev.apikey.RateLimitPolicy;
import dev.apikey.ScopeSet;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link SealedRecord} as Compact type {@code apikey.SealedRecord}: the record's fields at the top level (so
 * the registry's indexes and queries name them directly, e.g. {@code owner}) plus {@code mac}. Field names
 * are stable; a field may be added (Compact keeps old readers working), never renamed.
 */
final class RecordSerializer implements CompactSerializer<SealedRecord> {
    @Override
    public SealedRecord read(CompactReader in) {
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
        String reviewAfter = optionalString(in, "reviewAfter");
        String creditsPer = optionalString(in, "creditsPer");
        KeyRecord record = KeyRecord.builder()
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
                // Absent in records written before shared credits existed: the key's own.
                .creditsPer(creditsPer == null ? null : Per.parse(creditsPer))
                .labels(labels)
                // Absent in records written before the governance fields existed: they read as unset.
                .description(optionalString(in, "description"))
                .reviewAfter(reviewAfter == null ? null : LocalDate.parse(reviewAfter))
                .lastUsed(readInstant(in, "lastUsed"))
                .replaces(in.readString("replaces"))
                .replacedBy(in.readString("replacedBy"))
                // Absent in records written before lineage existed: they read as their own lineage.
                .lineage(optionalString(in, "lineage"))
                // Absent in records written before imports existed: not legacy.
                .legacy(in.getFieldKind("legacy") == FieldKind.BOOLEAN && in.readBoolean("legacy"))
                .version(in.readInt64("version"))
                .build();
        return new SealedRecord(record, in.readArrayOfInt8("mac"));
    }

    @Override
    public void write(CompactWriter out, SealedRecord sealed) {
        KeyRecord r = sealed.record();
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
        out.writeString("creditsPer", r.creditsPer() == Per.KEY ? null : r.creditsPer().word());
        out.writeArrayOfString("labelNames", r.labels().keySet().toArray(new String[0]));
        out.writeArrayOfString("labelValues", r.labels().values().toArray(new String[0]));
        out.writeString("description", r.description());
        out.writeString("reviewAfter", r.reviewAfter() == null ? null : r.reviewAfter().toString());
        writeInstant(out, "lastUsed", r.lastUsed());
        out.writeString("replaces", r.replaces());
        out.writeString("replacedBy", r.replacedBy());
        out.writeString("lineage", r.lineage().equals(r.id()) ? null : r.lineage());
        out.writeBoolean("legacy", r.legacy());
        out.writeInt64("version", r.version());
        out.writeArrayOfInt8("mac", sealed.mac());
    }

    private static String optionalString(CompactReader in, String name) {
        return in.getFieldKind(name) == FieldKind.STRING ? in.readString(name) : null;
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
        return "apikey.SealedRecord";
    }

    @Override
    public Class<SealedRecord> getCompactClass() {
        return SealedRecord.class;
    }
}
