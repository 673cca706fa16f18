package dev.apikey.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.HazelcastInstance;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.Decision;
import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.Outcome;
import dev.apikey.spi.StoreUnavailableException;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A client whose cluster goes away: requests get 503 within the bound, and the limiter's fail mode is honoured. */
class UnreachableClusterTest {
    private static final Duration BOUND = HazelcastOptions.DEFAULT_OPERATION_TIMEOUT.plusMillis(500);
    private static TestCluster cluster;
    private static HazelcastInstance client;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start("unreachable", 1);
        // A short cluster-connect timeout: once the member is gone the client gives up after a second.
        client = HazelcastClient.newHazelcastClient(cluster.clientConfig(1_000));
    }

    @AfterAll
    static void stopCluster() {
        client.getLifecycleService().terminate();
        cluster.close();
    }

    private static Decision timed(ApiKeyVerifier verifier, String key) {
        long start = System.nanoTime();
        Decision d = verifier.verify(Fixtures.request(key));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("decision %s (%d) with the cluster down took %d ms%n", d.outcome(), d.status(), took.toMillis());
        assertThat(took).isLessThan(BOUND);
        return d;
    }

    @Test
    void requestsGet503WithinTheBoundAndTheLimiterFailModeIsHonoured() {
        ApiKeyHazelcast hz = ApiKeyHazelcast.from(client, TestCluster.freshMaps().build());
        IssuedKey clusterKey = KeyManager.builder(hz.keyStore()).build()
                .issue(KeyRequest.builder().owner("unreachable").rateLimit("100/1m").build());
        ApiKeyVerifier clusterVerifier = ApiKeyVerifier.builder(hz.keyStore()).rateLimiter(hz.rateLimiter())
                .usageCounters(hz.usageCounters()).clientThrottle(ClientThrottle.disabled()).build();
        // The key store is healthy (in memory); only the cluster's rate limiter becomes unreachable.
        InMemoryKeyStore local = new InMemoryKeyStore();
        IssuedKey localKey = KeyManager.builder(local).build()
                .issue(KeyRequest.builder().owner("local").rateLimit("100/1m").build());
        ApiKeyVerifier failOpen = ApiKeyVerifier.builder(local).rateLimiter(hz.rateLimiter())
                .clientThrottle(ClientThrottle.disabled()).rateLimiterFailOpen(true).build();
        ApiKeyVerifier failClosed = ApiKeyVerifier.builder(local).rateLimiter(hz.rateLimiter())
                .clientThrottle(ClientThrottle.disabled()).rateLimiterFailOpen(false).build();
        assertThat(clusterVerifier.verify(Fixtures.request(clusterKey.key().reveal())).status()).isEqualTo(200);
        assertThat(failClosed.verify(Fixtures.request(localKey.key().reveal())).status()).isEqualTo(200);

        cluster.member(0).getLifecycleService().terminate();

        // Right after the member died, and again once the client has noticed: never an answer from the near cache.
        for (int i = 0; i < 3; i++) {
            Decision d = timed(clusterVerifier, clusterKey.key().reveal());
            assertThat(d.status()).isEqualTo(503);
            assertThat(d.header("Retry-After")).isNotNull();
        }
        assertThat(timed(failClosed, localKey.key().reveal()).outcome()).isEqualTo(Outcome.LIMITER_UNAVAILABLE);
        Decision open = timed(failOpen, localKey.key().reveal());
        assertThat(open.status()).isEqualTo(200);
        assertThat(open.header("RateLimit")).isNull();
        long start = System.nanoTime();
        assertThatThrownBy(() -> hz.keyStore().findById(clusterKey.record().id())).isInstanceOf(StoreUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
    }
}
