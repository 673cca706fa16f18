package dev.apikey.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import dev.apikey.spi.KeyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store through a Hazelcast client (with its near cache) of a one-member cluster. */
class ClientKeyStoreTest extends HazelcastKeyStoreBehaviour {
    private static TestCluster cluster;
    private static HazelcastInstance client;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start("client-store", 1);
        client = cluster.newClient();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    protected KeyStore newStore() {
        return ApiKeyHazelcast.from(client, TestCluster.freshMaps().build()).keyStore();
    }
}
