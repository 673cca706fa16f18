package dev.apikey.benchmarks;

import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.Decision;
import dev.apikey.InMemoryKeyStore;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.ScopeRequirement;
import dev.apikey.spi.AuditSink;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Verify latency against store size: a valid key (scope check, local rate limit) in a store of 1k and of
 * 1M keys. Each call verifies the next of 1000 stored keys in turn, so lookups in the large store leave
 * the CPU caches as they would under real traffic, instead of finding one hot record. run.sh runs it twice: as
 * is, and with {@code -XX:+UseTransparentHugePages}, where the thousand hot records of the large store no longer
 * need a thousand TLB entries of 4 KiB pages.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class StoreSizeBenchmark {
    private static final int ROTATION = 1000;

    /** Number of stored keys. */
    @Param({"1000", "1000000"})
    public int keys;

    private ApiKeyVerifier verifier;
    private AccessRequest[] requests;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        InMemoryKeyStore store = new InMemoryKeyStore();
        KeyManager manager = KeyManager.builder(store).build();
        ScopeRequirement req = ScopeRequirement.all("billing:read");
        List<AccessRequest> probes = new ArrayList<>();
        int stride = keys / ROTATION;
        for (int i = 0; i < keys; i++) {
            String key = manager.issue(KeyRequest.builder().owner("owner-" + (i % 100)).scopes("billing:read")
                    .rateLimit("1000000000/1s").build()).key().reveal();
            if (i % stride == 0 && probes.size() < ROTATION) {
                probes.add(VerifyBenchmark.request(List.of(key), req));
            }
        }
        requests = probes.toArray(new AccessRequest[0]);
        verifier = ApiKeyVerifier.builder(store).from(manager).auditSink(AuditSink.NONE)
                .clientThrottle(ClientThrottle.disabled()).build();
        for (AccessRequest r : requests) {
            if (!verifier.verify(r).isAllowed()) {
                throw new IllegalStateException("setup: valid key rejected");
            }
        }
        // Issuing a million keys leaves gigabytes of garbage; collected here, the collector does not clean up
        // after the setup during the measurement (it did, and the 1M figure's error was larger than the gap).
        System.gc();
    }

    @TearDown
    public void tearDown() {
        verifier.close();
    }

    /** A valid key, the next of the rotation. */
    @Benchmark
    public Decision verifyValid() {
        int i = next;
        next = i + 1 == requests.length ? 0 : i + 1;
        return verifier.verify(requests[i]);
    }
}
