package dev.apikey.hazelcast.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.apikey.KeyRecord;
import dev.apikey.hazelcast.LegacyRecords;
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
            map.set(mapKey, LegacyRecords.of(r, keys.recordMac(mapKey, r), true));

            SealedRecord back = (SealedRecord) map.get(mapKey);

            assertThat(back.record()).usingRecursiveComparison().isEqualTo(r);
            assertThat(back.record().description()).isNull();
            assertThat(back.record().reviewAfter()).isNull();
            assertThat(back.verify(keys, mapKey)).isTrue();
        }
    }
}
