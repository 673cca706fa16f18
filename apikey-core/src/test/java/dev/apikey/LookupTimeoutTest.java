package dev.apikey;

import dev.apikey.spi.ForwardingKeyStore;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LookupTimeoutTest {
    private final InMemoryKeyStore records = new InMemoryKeyStore();
    private final KeyManager manager = KeyManager.builder(records).build();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean hanging;
    private final CountingStore store = new CountingStore(new HangingStore());

    @AfterEach
    void releaseHungLookups() {
        release.countDown();
    }

    private AccessRequest request(String key) {
        return AccessRequest.builder().remoteAddress("198.51.100.7").headers(n -> n.equalsIgnoreCase("X-API-Key")
                ? List.of(key) : List.of()).build();
    }

    private ApiKeyVerifier verifier(Duration timeout) {
        return ApiKeyVerifier.builder(store).clientThrottle(ClientThrottle.disabled()).auditSink(dev.apikey.spi.AuditSink.NONE)
                .lastUsedExecutor(Runnable::run).lookupTimeout(timeout).build();
    }

    @Test
    void aHangingStoreIsAnswered503WithinTheTimeout() {
        String key = manager.issue(KeyRequest.builder().owner("app").build()).key().reveal();
        try (ApiKeyVerifier v = verifier(Duration.ofMillis(100))) {
            assertThat(v.verify(request(key)).isAllowed()).isTrue();
            hanging = true;
            long start = System.nanoTime();
            Decision d = v.verify(request(key));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(d.outcome()).isEqualTo(Outcome.STORE_UNAVAILABLE);
            assertThat(d.status()).isEqualTo(503);
            assertThat(d.header("Retry-After")).isEqualTo("1");
            assertThat(tookMillis).isGreaterThanOrEqualTo(100).isLessThan(2_000);
        }
    }

    @Test
    void aThrowingStoreIsStill503WhenLookupsRunOnTheExecutor() {
        String key = manager.issue(KeyRequest.builder().owner("app").build()).key().reveal();
        store.failing = true;
        try (ApiKeyVerifier v = verifier(Duration.ofSeconds(1))) {
            assertThat(v.verify(request(key)).outcome()).isEqualTo(Outcome.STORE_UNAVAILABLE);
        }
    }

    @Test
    void whenEveryLookupThreadHangsFurtherRequestsAreRefusedNotQueuedForever() {
        String key = manager.issue(KeyRequest.builder().owner("app").build()).key().reveal();
        hanging = true;
        try (ApiKeyVerifier v = verifier(Duration.ofMillis(5))) {
            int refused = 0;
            for (int i = 0; i < ApiKeyVerifier.LOOKUP_THREADS + ApiKeyVerifier.LOOKUP_QUEUE + 20; i++) {
                Decision d = v.verify(request(key));
                assertThat(d.status()).isEqualTo(503);
                refused++;
            }
            assertThat(refused).isGreaterThan(ApiKeyVerifier.LOOKUP_THREADS + ApiKeyVerifier.LOOKUP_QUEUE);
        }
    }

    @Test
    void malformedKeysNeverReachTheLookupExecutor() {
        try (ApiKeyVerifier v = verifier(Duration.ofMillis(100))) {
            assertThat(v.verify(request("ak_live_not-a-key")).status()).isEqualTo(401);
            assertThat(store.digestLookups).hasValue(0);
        }
    }

    @Test
    void theTimeoutMustBeBetweenOneMillisecondAndOneMinute() {
        assertThatThrownBy(() -> ApiKeyVerifier.builder(store).lookupTimeout(Duration.ZERO))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("lookup timeout");
        assertThatThrownBy(() -> ApiKeyVerifier.builder(store).lookupTimeout(Duration.ofMinutes(2)))
                .isInstanceOf(InvalidConfigurationException.class);
    }

    /** Serves {@link #records}, or blocks (ignoring nothing: it waits for the latch) while {@link #hanging}. */
    private final class HangingStore extends ForwardingKeyStore {
        HangingStore() {
            super(records);
        }

        @Override
        protected void beforeLookup(KeyDigest digest) {
            if (hanging) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new dev.apikey.spi.StoreUnavailableException("interrupted");
                }
            }
        }
    }
}
