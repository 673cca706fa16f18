package dev.apikey.internal;

import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import dev.apikey.spi.TestRecords;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RecordSnapshotTest {
    private final KeyRecord served = TestRecords.builder().version(4).build();
    private final RecordSnapshot before = RecordSnapshot.of(List.of(served));

    @Test
    void aRecordChangedInPlaceWithoutANewVersionIsServedWithTheNextVersion() {
        KeyRecord handRevoked = served.toBuilder().status(KeyStatus.REVOKED).build();

        KeyRecord next = before.next(List.of(handRevoked)).byId(served.id());

        assertThat(next).isEqualTo(handRevoked.toBuilder().version(5).build());
    }

    @Test
    void aRecordChangedInPlaceWithAnOlderVersionIsServedAfterTheVersionServedBefore() {
        KeyRecord restored = served.toBuilder().owner("team-b").version(2).build();

        assertThat(before.next(List.of(restored)).byId(served.id()).version()).isEqualTo(5);
    }

    @Test
    void aRecordWrittenWithAHigherVersionIsTakenAsItIs() {
        KeyRecord written = served.toBuilder().status(KeyStatus.SUSPENDED).version(5).build();

        assertThat(before.next(List.of(written)).byId(served.id())).isSameAs(written);
    }

    @Test
    void aNewLastUsedAloneIsNoNewVersion() {
        KeyRecord used = served.toBuilder().lastUsed(TestRecords.CREATED.plusSeconds(60)).build();

        assertThat(before.next(List.of(used)).byId(served.id())).isSameAs(used);
    }

    @Test
    void unchangedAndNewRecordsAreTakenAsTheyAre() {
        KeyRecord same = served.toBuilder().build();
        KeyRecord added = TestRecords.builder().version(1).build();

        RecordSnapshot next = before.next(List.of(same, added));

        assertThat(next.records()).containsExactly(same, added);
        assertThat(next.byDigest(added.digest())).isSameAs(added);
    }
}
