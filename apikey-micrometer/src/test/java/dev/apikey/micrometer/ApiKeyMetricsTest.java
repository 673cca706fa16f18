package dev.apikey.micrometer;

import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.Outcome;
import dev.apikey.spi.AuditSink;
import dev.apikey.store.InMemoryKeyStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InMemoryKeyStore store = new InMemoryKeyStore();
    private final KeyManager manager = KeyManager.builder(store).build();
    private final ApiKeyVerifier verifier = ApiKeyVerifier.builder(store).from(manager).auditSink(AuditSink.NONE)
            .lastUsedExecutor(Runnable::run).decisionObserver(ApiKeyMetrics.bindTo(registry)).build();

    private static AccessRequest request(String adapter, String key) {
        return AccessRequest.builder().adapter(adapter).remoteAddress("127.0.0.1")
                .headers(n -> key != null && n.equalsIgnoreCase("X-API-Key") ? List.of(key) : List.of()).build();
    }

    private double count(String adapter, String outcome) {
        return registry.get(ApiKeyMetrics.DECISIONS).tag("adapter", adapter).tag("outcome", outcome).counter().count();
    }

    @Test
    void decisionsAreCountedByAdapterAndOutcomeAndTimed() {
        String key = manager.issue(KeyRequest.builder().owner("app").scopes("a:b").build()).key().reveal();

        verifier.verify(request(AccessRequest.SERVLET, key));
        verifier.verify(request(AccessRequest.SERVLET, key));
        verifier.verify(request(AccessRequest.JAXRS, null));
        verifier.verify(request("vertx", key));

        assertThat(count("servlet", "allowed")).isEqualTo(2);
        assertThat(count("jaxrs", "missing_key")).isEqualTo(1);
        assertThat(count("jaxrs", "allowed")).isZero();
        assertThat(count("other", "allowed")).isEqualTo(1);
        assertThat(registry.get(ApiKeyMetrics.VERIFICATION).tag("adapter", "servlet").functionTimer().count()).isEqualTo(2);
    }

    @Test
    void theNumberOfSeriesIsFixedWhateverTheAdapterNames() {
        int before = registry.getMeters().size();
        for (int i = 0; i < 100; i++) {
            verifier.verify(request("adapter-" + i, null));
        }
        assertThat(registry.getMeters()).hasSize(before);
        assertThat(before).isEqualTo(3 * (Outcome.values().length + 1) + dev.apikey.spi.LifecycleEvent.Action.values().length);
        assertThat(count("other", "missing_key")).isEqualTo(100);
    }

    @Test
    void lifecycleEventsAreCountedByAction() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        ApiKeyMetrics metrics = ApiKeyMetrics.bindTo(reg);
        KeyManager m = KeyManager.builder(store).auditSink(metrics.auditSink()).build();
        String id = m.issue(KeyRequest.builder().owner("app").build()).record().id();
        m.suspend(id);
        m.revoke(id);
        metrics.auditSink().lifecycle(new dev.apikey.spi.LifecycleEvent(java.time.Instant.now(),
                dev.apikey.spi.LifecycleEvent.Action.ANOMALY, "anomaly", id, null, "signal=traffic"));

        assertThat(reg.get(ApiKeyMetrics.LIFECYCLE).tag("action", "issue").counter().count()).isEqualTo(1);
        assertThat(reg.get(ApiKeyMetrics.LIFECYCLE).tag("action", "suspend").counter().count()).isEqualTo(1);
        assertThat(reg.get(ApiKeyMetrics.LIFECYCLE).tag("action", "revoke").counter().count()).isEqualTo(1);
        assertThat(reg.get(ApiKeyMetrics.LIFECYCLE).tag("action", "anomaly").counter().count()).isEqualTo(1);
        assertThat(reg.find(ApiKeyMetrics.LIFECYCLE).counters()).hasSize(dev.apikey.spi.LifecycleEvent.Action.values().length);
        assertThat(metrics.auditSink().wants(Outcome.ALLOWED)).isFalse();
    }

    @Test
    void perKeyCountersAreOptInAndSeeOnlyDecisionsOfStoredKeys() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        ApiKeyVerifier v = ApiKeyVerifier.builder(store).from(manager).auditSink(AuditSink.NONE)
                .lastUsedExecutor(Runnable::run)
                .decisionObserver(ApiKeyMetrics.bindTo(reg, 5, java.time.Duration.ofMinutes(1))).build();
        String key = manager.issue(KeyRequest.builder().owner("a").build()).key().reveal();
        v.verify(request(AccessRequest.SERVLET, key));
        v.verify(request(AccessRequest.SERVLET, null));

        assertThat(reg.get(ApiKeyMetrics.KEY_DECISIONS).tag("key", "other").counter().count()).isEqualTo(1);
        assertThat(registry.find(ApiKeyMetrics.KEY_DECISIONS).counters()).as("off by default").isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ApiKeyMetrics.bindTo(reg, 0, java.time.Duration.ofMinutes(1)))
                .isInstanceOf(dev.apikey.InvalidConfigurationException.class);
    }

    @Test
    void storeGaugesCountRecordsAndTheCachesHitsAndAStoreThatCannotSayAddsNothing() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        InMemoryKeyStore own = new InMemoryKeyStore();
        KeyManager m = KeyManager.builder(own).build();
        ApiKeyMetrics.bindTo(reg).bindStore(own);
        m.issue(KeyRequest.builder().owner("a").build());
        m.issue(KeyRequest.builder().owner("b").build());
        assertThat(reg.get(ApiKeyMetrics.STORE_RECORDS).gauge().value()).isEqualTo(2);
        assertThat(reg.find(ApiKeyMetrics.STORE_CACHE_HIT_RATIO).gauge()).as("no cache, no cache meters").isNull();

        long[] counts = {3, 1};
        dev.apikey.spi.StoreStatistics cached = new dev.apikey.spi.StoreStatistics() {
            @Override
            public long recordCount() {
                throw new dev.apikey.spi.StoreUnavailableException("down");
            }

            @Override
            public long cacheHits() {
                return counts[0];
            }

            @Override
            public long cacheMisses() {
                return counts[1];
            }
        };
        SimpleMeterRegistry reg2 = new SimpleMeterRegistry();
        ApiKeyMetrics.bindTo(reg2).bindStore(new CachedStore(own, cached));
        assertThat(reg2.get(ApiKeyMetrics.STORE_CACHE_HIT_RATIO).gauge().value()).isEqualTo(0.75);
        assertThat(reg2.get(ApiKeyMetrics.STORE_CACHE_LOOKUPS).tag("result", "miss").functionCounter().count()).isEqualTo(1);
        assertThat(reg2.get(ApiKeyMetrics.STORE_RECORDS).gauge().value()).isNaN();
        SimpleMeterRegistry reg3 = new SimpleMeterRegistry();
        ApiKeyMetrics.bindTo(reg3).bindStore(new dev.apikey.spi.ForwardingKeyStore(own));
        assertThat(reg3.find(ApiKeyMetrics.STORE_RECORDS).gauge()).isNull();
    }

    /** A store with statistics given by the test. */
    private static final class CachedStore extends dev.apikey.spi.ForwardingKeyStore implements dev.apikey.spi.StoreStatistics {
        private final dev.apikey.spi.StoreStatistics stats;

        CachedStore(dev.apikey.spi.KeyStore delegate, dev.apikey.spi.StoreStatistics stats) {
            super(delegate);
            this.stats = stats;
        }

        @Override
        public long recordCount() {
            return stats.recordCount();
        }

        @Override
        public long cacheHits() {
            return stats.cacheHits();
        }

        @Override
        public long cacheMisses() {
            return stats.cacheMisses();
        }
    }
}
