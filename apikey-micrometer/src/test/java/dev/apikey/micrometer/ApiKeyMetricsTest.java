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
        assertThat(registry.get(ApiKeyMetrics.VERIFICATION).tag("adapter", "servlet").timer().count()).isEqualTo(2);
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
}
