package dev.apikey.hazelcast.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import com.hazelcast.nio.serialization.genericrecord.GenericRecordBuilder;
import dev.apikey.KeyRecord;
import dev.apikey.hazelcast.TestCluster;
import dev.apikey.spi.TestRecords;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

/** The description and review day in the cluster: sealed by the record MAC, and optional for records stored before. */
class GovernanceFieldsTest {
    private final ClusterKeys keys = ClusterKeys.of(TestCluster.SECRET);

    @Test
    void aStoreWriterWithoutTheSecretCannotPostponeTheReviewOrRewriteThePurpose() {
        KeyRecord r = TestRecords.builder().description("CI deploys").reviewAfter(LocalDate.of(2026, 1, 1)).build();
        String mapKey = r.digest().encoded();
        SealedRecord sealed = SealedRecord.seal(keys, r);
        assertThat(sealed.verify(keys, mapKey)).isTrue();

        KeyRecord postponed = r.toBuilder().reviewAfter(LocalDate.of(2099, 1, 1)).build();
        KeyRecord cleared = r.toBuilder().reviewAfter(null).build();
        KeyRecord relabelled = r.toBuilder().description("harmless read-only probe").build();
        for (KeyRecord edited : new KeyRecord[] {postponed, cleared, relabelled}) {
            assertThat(new SealedRecord(edited, sealed.mac()).verify(keys, mapKey)).as(edited.toString()).isFalse();
        }
    }

    @Test
    void aRecordWithoutTheFieldsIsEncodedAsBeforeSoItsStoredMacStillHolds() {
        KeyRecord r = TestRecords.record();
        String encoded = new String(RecordContent.encode(r.digest().encoded(), r), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(encoded).doesNotContain("description").doesNotContain("reviewAfter");
    }

    @Test
    void aRecordWrittenBeforeTheFieldsExistedReadsWithoutThem() {
        try (TestCluster cluster = TestCluster.start("governance-legacy", 1)) {
            HazelcastInstance member = cluster.member(0);
            KeyRecord r = TestRecords.builder().version(3).build();
            String mapKey = r.digest().encoded();
            IMap<String, Object> map = member.getMap("legacy-records");
            map.set(mapKey, legacy(r, keys.recordMac(mapKey, r)));

            SealedRecord back = (SealedRecord) map.get(mapKey);

            assertThat(back.record()).usingRecursiveComparison().isEqualTo(r);
            assertThat(back.record().description()).isNull();
            assertThat(back.record().reviewAfter()).isNull();
            assertThat(back.verify(keys, mapKey)).isTrue();
        }
    }

    /** The Compact value {@link RecordSerializer} wrote before description and reviewAfter were added. */
    private static GenericRecord legacy(KeyRecord r, byte[] mac) {
        byte[] signed = mac.clone();
        return GenericRecordBuilder.compact("apikey.SealedRecord")
                .setString("id", r.id())
                .setString("digest", r.digest().encoded())
                .setString("hint", r.hint())
                .setString("owner", r.owner())
                .setString("tenant", r.tenant())
                .setString("environment", r.environment().name())
                .setArrayOfString("scopes", r.scopes().names().toArray(new String[0]))
                .setArrayOfString("allowedCidrs", new String[0])
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
                .setString("replaces", null)
                .setString("replacedBy", null)
                .setString("lineage", null)
                .setInt64("version", r.version())
                .setArrayOfInt8("mac", signed)
                .build();
    }
}
