package dev.apikey.benchmarks;

import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.Decision;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.ScopeRequirement;
import dev.apikey.anomaly.AnomalyPolicy;
import dev.apikey.micrometer.ApiKeyMetrics;
import dev.apikey.spi.AuditSink;
import dev.apikey.store.InMemoryKeyStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A valid verify with {@link ApiKeyMetrics} on, and with metrics and the anomaly signals on, against the same verify
 * with neither, in one run and on one store (issue 29 target: all on / off at most 1.15). Auditing and the failure
 * throttle are off in all three.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 1)
@Fork(1)
public class MetricsBenchmark {
    private ApiKeyVerifier plain;
    private ApiKeyVerifier metered;
    private ApiKeyVerifier watched;
    private AccessRequest valid;

    @Setup(Level.Trial)
    public void setUp() {
        InMemoryKeyStore store = new InMemoryKeyStore();
        KeyManager manager = KeyManager.builder(store).auditSink(AuditSink.NONE).build();
        String key = manager.issue(KeyRequest.builder().owner("bench").scopes("billing:read")
                .rateLimit("1000000000/1s").build()).key().reveal();
        plain = ApiKeyVerifier.builder(store).from(manager).auditSink(AuditSink.NONE)
                .clientThrottle(ClientThrottle.disabled()).build();
        metered = ApiKeyVerifier.builder(store).from(manager).auditSink(AuditSink.NONE)
                .clientThrottle(ClientThrottle.disabled())
                .decisionObserver(ApiKeyMetrics.bindTo(new SimpleMeterRegistry())).build();
        watched = ApiKeyVerifier.builder(store).from(manager).auditSink(AuditSink.NONE)
                .clientThrottle(ClientThrottle.disabled())
                .decisionObserver(ApiKeyMetrics.bindTo(new SimpleMeterRegistry()))
                .anomalies(AnomalyPolicy.ofDefaults()).build();
        List<String> header = List.of(key);
        valid = AccessRequest.builder().adapter(AccessRequest.SERVLET).remoteAddress("127.0.0.1").method("GET")
                .path("/billing").headers(name -> name.equalsIgnoreCase("X-API-Key") ? header : List.of())
                .requirement(ScopeRequirement.all("billing:read")).build();
        if (!plain.verify(valid).isAllowed() || !metered.verify(valid).isAllowed() || !watched.verify(valid).isAllowed()) {
            throw new IllegalStateException("setup: valid key rejected");
        }
    }

    @TearDown
    public void tearDown() {
        plain.close();
        metered.close();
        watched.close();
    }

    /** No observer: the verifier pays one null check. */
    @Benchmark
    public Decision verifyValidMetricsOff() {
        return plain.verify(valid);
    }

    /** With {@link ApiKeyMetrics}: one counter increment and one timer record per decision. */
    @Benchmark
    public Decision verifyValidMetricsOn() {
        return metered.verify(valid);
    }

    /** Metrics and the anomaly signals: also one state update under the key's lock (no anomaly fires here). */
    @Benchmark
    public Decision verifyValidMetricsAndAnomaliesOn() {
        return watched.verify(valid);
    }
}
