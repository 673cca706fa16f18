package dev.apikey.hazelcast;

import dev.apikey.spi.KeyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store on an embedded member of a two-member cluster (so half the records live on the other member). */
class EmbeddedKeyStoreTest extends HazelcastKeyStoreBehaviour {
    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start("embedded-store", 2);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    protected KeyStore newStore() {
        return ApiKeyHazelcast.from(cluster.member(1), TestCluster.freshMaps().build()).keyStore();
    }
}
