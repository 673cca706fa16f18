package dev.apikey.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.KeyStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The core store contract through a Hazelcast client (with its near cache) of a one-member cluster; the
 * second view of a store is the member itself, so a write on one side must be seen on the other.
 */
class ClientKeyStoreTest extends KeyStoreContract {
    private static TestCluster cluster;
    private static HazelcastInstance client;
    private final Map<KeyStore, HazelcastOptions> options = new IdentityHashMap<>();

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
        HazelcastOptions o = TestCluster.freshMaps().build();
        KeyStore store = ApiKeyHazelcast.from(client, o).keyStore();
        options.put(store, o);
        return store;
    }

    @Override
    protected KeyStore otherView(KeyStore store) {
        return ApiKeyHazelcast.from(cluster.member(0), options.get(store)).keyStore();
    }
}
