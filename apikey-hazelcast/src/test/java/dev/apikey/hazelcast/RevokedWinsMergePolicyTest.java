package dev.apikey.hazelcast;

import com.hazelcast.spi.merge.MergingEntry;
import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import dev.apikey.hazelcast.internal.ClusterKeys;
import dev.apikey.hazelcast.internal.SealedRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The merge decision itself, through Hazelcast's merging-entry interface, on a member holding the secret. */
class RevokedWinsMergePolicyTest {
    private static final ClusterKeys KEYS = ClusterKeys.of(TestCluster.SECRET);
    private final RevokedWinsMergePolicy policy = new RevokedWinsMergePolicy().withKeys(KEYS);
    private final KeyRecord base = Fixtures.record("merge");
    private final String digest = base.digest().encoded();

    private SealedRecord at(KeyStatus status, long version) {
        return SealedRecord.seal(KEYS, base.toBuilder().status(status).version(version).build());
    }

    private MergingEntry<Object, Object> entry(Object v) {
        return new MergingEntry<>() {
            @Override
            public Object getKey() {
                return digest;
            }

            @Override
            public Object getRawKey() {
                return digest;
            }

            @Override
            public Object getDeserializedValue() {
                return v;
            }

            @Override
            public Object getRawValue() {
                return v;
            }
        };
    }

    private Object merge(Object merging, Object existing) {
        return policy.merge(entry(merging), existing == null ? null : entry(existing));
    }

    private static KeyRecord record(Object merged) {
        return ((SealedRecord) merged).record();
    }

    @Test
    void revokedWinsOverActiveOrSuspendedWhateverTheVersions() {
        assertThat(record(merge(at(KeyStatus.REVOKED, 2), at(KeyStatus.ACTIVE, 9))).status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(record(merge(at(KeyStatus.ACTIVE, 9), at(KeyStatus.REVOKED, 2))).status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(record(merge(at(KeyStatus.SUSPENDED, 9), at(KeyStatus.REVOKED, 2))).status()).isEqualTo(KeyStatus.REVOKED);
    }

    @Test
    void suspendedWinsOverActiveEvenWhenTheActiveSideHasTheHigherVersion() {
        assertThat(record(merge(at(KeyStatus.ACTIVE, 7), at(KeyStatus.SUSPENDED, 2))).status()).isEqualTo(KeyStatus.SUSPENDED);
        assertThat(record(merge(at(KeyStatus.SUSPENDED, 2), at(KeyStatus.ACTIVE, 7))).status()).isEqualTo(KeyStatus.SUSPENDED);
    }

    @Test
    void theMergedRecordIsSealedAnewWithAVersionAboveBothSides() {
        Object merged = merge(at(KeyStatus.ACTIVE, 7), at(KeyStatus.SUSPENDED, 4));
        assertThat(record(merged).version()).isEqualTo(8);
        assertThat(((SealedRecord) merged).verify(KEYS, digest)).isTrue();
    }

    @Test
    void theSameSealedRecordOnBothSidesStaysAsItIsWithTheLaterLastUsed() {
        SealedRecord plain = at(KeyStatus.ACTIVE, 3);
        SealedRecord used = new SealedRecord(plain.record().toBuilder().lastUsed(Instant.parse("2026-01-01T00:00:00Z")).build(),
                macOf(plain));
        assertThat(merge(used, plain)).isSameAs(used);
        assertThat(merge(plain, used)).isSameAs(used);
    }

    @Test
    void aSideWhoseMacFailsCountsAsAbsent() {
        SealedRecord forged = new SealedRecord(base.toBuilder().version(50).build(), new byte[32]);
        SealedRecord suspended = at(KeyStatus.SUSPENDED, 2);
        assertThat(merge(forged, suspended)).isSameAs(suspended);
        assertThat(merge(suspended, forged)).isSameAs(suspended);
        assertThat(merge(forged, null)).isNull();
    }

    @Test
    void entryOnlyOnTheMergingSideIsKept() {
        SealedRecord r = at(KeyStatus.ACTIVE, 1);
        assertThat(merge(r, null)).isSameAs(r);
    }

    @Test
    void countersKeepTheHigherCount() {
        assertThat(merge(7L, 5L)).isEqualTo(7L);
        assertThat(merge(3L, 5L)).isEqualTo(5L);
    }

    private static byte[] macOf(SealedRecord s) {
        return KEYS.recordMac(s.record().digest().encoded(), s.record());
    }
}
