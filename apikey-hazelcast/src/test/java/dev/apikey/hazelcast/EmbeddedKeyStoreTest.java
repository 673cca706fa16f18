package dev.apikey.hazelcast;

import dev.apikey.spi.KeyStore;
import dev.apikey.spi.KeyStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The core store contract on an embedded member of a two-member cluster (so half the records live on the
 * other member); the second view of a store is the same maps seen through the other member.
 */
class EmbeddedKeyStoreTest extends KeyStoreContract {
    private static TestCluster cluster;
    private final Map<KeyStore, HazelcastOptions> options = new IdentityHashMap<>();

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
        HazelcastOptions o = TestCluster.freshMaps().build();
        KeyStore store = ApiKeyHazelcast.from(cluster.member(1), o).keyStore();
        options.put(store, o);
        return store;
    }

    @Override
    protected KeyStore otherView(KeyStore store) {
        return ApiKeyHazelcast.from(cluster.member(0), options.get(store)).keyStore();
    }
}
