package dev.apikey.hazelcast;

import com.hazelcast.spi.merge.MergingValue;
import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The merge decision itself, through Hazelcast's merging-value interface. */
class RevokedWinsMergePolicyTest {
    private final RevokedWinsMergePolicy policy = new RevokedWinsMergePolicy();
    private final KeyRecord base = Fixtures.record("merge");

    private KeyRecord at(KeyStatus status, long version) {
        return base.toBuilder().status(status).version(version).build();
    }

    private static MergingValue<Object> value(Object v) {
        return new MergingValue<>() {
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
        return policy.merge(value(merging), existing == null ? null : value(existing));
    }

    @Test
    void revokedWinsOverActiveWhateverTheVersions() {
        assertThat(merge(at(KeyStatus.REVOKED, 2), at(KeyStatus.ACTIVE, 9))).isEqualTo(at(KeyStatus.REVOKED, 2));
        assertThat(merge(at(KeyStatus.ACTIVE, 9), at(KeyStatus.REVOKED, 2))).isEqualTo(at(KeyStatus.REVOKED, 2));
        assertThat(merge(at(KeyStatus.SUSPENDED, 9), at(KeyStatus.REVOKED, 2))).isEqualTo(at(KeyStatus.REVOKED, 2));
    }

    @Test
    void otherwiseTheHigherVersionWinsAndTiesKeepTheExisting() {
        assertThat(merge(at(KeyStatus.SUSPENDED, 3), at(KeyStatus.ACTIVE, 2))).isEqualTo(at(KeyStatus.SUSPENDED, 3));
        assertThat(merge(at(KeyStatus.ACTIVE, 2), at(KeyStatus.SUSPENDED, 3))).isEqualTo(at(KeyStatus.SUSPENDED, 3));
        assertThat(merge(at(KeyStatus.REVOKED, 4), at(KeyStatus.REVOKED, 5))).isEqualTo(at(KeyStatus.REVOKED, 5));
        KeyRecord existing = at(KeyStatus.ACTIVE, 2).toBuilder().owner("existing").build();
        assertThat(merge(at(KeyStatus.ACTIVE, 2), existing)).isSameAs(existing);
    }

    @Test
    void entryOnlyOnTheMergingSideIsKept() {
        assertThat(merge(at(KeyStatus.ACTIVE, 1), null)).isEqualTo(at(KeyStatus.ACTIVE, 1));
    }

    @Test
    void countersKeepTheHigherCount() {
        assertThat(merge(7L, 5L)).isEqualTo(7L);
        assertThat(merge(3L, 5L)).isEqualTo(5L);
    }
}
