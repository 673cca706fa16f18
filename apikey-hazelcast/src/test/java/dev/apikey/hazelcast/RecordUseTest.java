package dev.apikey.hazelcast;

import dev.apikey.KeyRecord;
import dev.apikey.spi.KeyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 26, item 4: last-used lives outside the versioned record in the cluster store. */
class RecordUseTest {
    private static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start("record-use", 2);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aUseSetsALaterLastUsedWithoutANewVersionAndTheRecordStaysValid() {
        HazelcastOptions options = TestCluster.freshMaps().build();
        KeyStore store = ApiKeyHazelcast.from(cluster.member(0), options).keyStore();
        KeyRecord created = store.create(Fixtures.record("used"));
        Instant t1 = Instant.parse("2026-12-01T10:00:00Z");

        store.recordUse(created.id(), t1);
        store.recordUse(created.id(), t1.minusSeconds(3600));
        store.recordUse(dev.apikey.KeyIds.newId(), t1);

        KeyStore elsewhere = ApiKeyHazelcast.from(cluster.member(1), options).keyStore();
        KeyRecord seen = elsewhere.findById(created.id()).orElseThrow();
        assertThat(seen.lastUsed()).isEqualTo(t1);
        assertThat(seen.version()).isEqualTo(created.version());
        assertThat(elsewhere.findByDigest(created.digest())).contains(seen);
        // An update made from the copy read before the use still applies, and keeps the later lastUsed.
        KeyRecord updated = store.update(created.toBuilder().owner("renamed").build());
        assertThat(updated.version()).isEqualTo(created.version() + 1);
        assertThat(elsewhere.findById(created.id()).orElseThrow().lastUsed()).isEqualTo(t1);
    }
}
