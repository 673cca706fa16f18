package dev.apikey.hazelcast;

import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import com.hazelcast.nio.serialization.genericrecord.GenericRecordBuilder;
import dev.apikey.Cidr;
import dev.apikey.KeyRecord;

/**
 * Sealed records as members of earlier versions wrote them: the Compact type {@code apikey.SealedRecord} with only the
 * fields of that version, for tests that show a newer member still reads them.
 */
public final class LegacyRecords {
    private LegacyRecords() {
    }

    /**
     * {@code r} with {@code mac} as written before the governance fields (description, reviewAfter) existed, and, if
     * {@code withLineage} is false, before lineage existed too. Records without notBefore, expires and lastUsed only.
     */
    public static GenericRecord of(KeyRecord r, byte[] mac, boolean withLineage) {
        GenericRecordBuilder b = GenericRecordBuilder.compact("apikey.SealedRecord")
                .setString("id", r.id())
                .setString("digest", r.digest().encoded())
                .setString("hint", r.hint())
                .setString("owner", r.owner())
                .setString("tenant", r.tenant())
                .setString("environment", r.environment().name())
                .setArrayOfString("scopes", r.scopes().names().toArray(new String[0]))
                .setArrayOfString("allowedCidrs", r.allowedCidrs().stream().map(Cidr::value).toArray(String[]::new))
                .setNullableInt64("createdSeconds", r.created().getEpochSecond())
                .setInt32("createdNanos", r.created().getNano())
                .setNullableInt64("notBeforeSeconds", null)
                .setInt32("notBeforeNanos", 0)
                .setNullableInt64("expiresSeconds", null)
                .setInt32("expiresNanos", 0)
                .setString("status", r.status().name())
                .setString("rateLimitPolicy", null)
                .setString("quota", null)
                .setNullableInt64("credits", null)
                .setArrayOfString("labelNames", new String[0])
                .setArrayOfString("labelValues", new String[0])
                .setNullableInt64("lastUsedSeconds", null)
                .setInt32("lastUsedNanos", 0)
                .setString("replaces", r.replaces())
                .setString("replacedBy", r.replacedBy());
        if (withLineage) {
            b.setString("lineage", r.lineage().equals(r.id()) ? null : r.lineage());
        }
        return b.setInt64("version", r.version()).setArrayOfInt8("mac", mac.clone()).build();
    }
}
