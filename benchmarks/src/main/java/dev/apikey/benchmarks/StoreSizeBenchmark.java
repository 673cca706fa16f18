package dev.apikey.benchmarks;

import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.Decision;
import dev.apikey.KeyDigest;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyRequest;
import dev.apikey.ScopeRequirement;
import dev.apikey.spi.AuditSink;
import dev.apikey.store.InMemoryKeyStore;
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

import java.nio.charset.StandardCharsets;
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
    private InMemoryKeyStore store;
    private KeyDigest[] digests;
    private int nextDigest;

    @Setup(Level.Trial)
    public void setUp() {
        store = new InMemoryKeyStore();
        KeyManager manager = KeyManager.builder(store).auditSink(AuditSink.NONE).build();
        ScopeRequirement req = ScopeRequirement.all("billing:read");
        List<String> probeKeys = new ArrayList<>();
        int stride = keys / ROTATION;
        for (int i = 0; i < keys; i++) {
            String key = manager.issue(KeyRequest.builder().owner("owner-" + (i % 100)).scopes("billing:read")
                    .rateLimit("1000000000/1s").build()).key().reveal();
            if (i % stride == 0 && probeKeys.size() < ROTATION) {
                probeKeys.add(key);
            }
        }
        // The requests are built after the store, from fresh copies of the keys: a server parses each request
        // into new objects, which sit together in the allocating thread's buffer. Built inside the issue loop,
        // the 1M run's requests lay scattered among a thousand keys' worth of store objects each, and every
        // call paid cache and TLB misses on the request itself (its headers, the key's text) that the 1k run,
        // where they lay side by side, did not: that was the harness's cost, not the store's.
        List<AccessRequest> probes = new ArrayList<>();
        for (String key : probeKeys) {
            probes.add(VerifyBenchmark.request(List.of(new String(key.toCharArray())), req));
        }
        requests = probes.toArray(new AccessRequest[0]);
        verifier = ApiKeyVerifier.builder(store).from(manager).auditSink(AuditSink.NONE)
                .clientThrottle(ClientThrottle.disabled()).build();
        // The digests come from the verifier's own hasher, so that they are the ones the store was filled under.
        digests = new KeyDigest[probeKeys.size()];
        for (int i = 0; i < digests.length; i++) {
            digests[i] = verifier.hasher().digestAt(0, probeKeys.get(i).getBytes(StandardCharsets.US_ASCII));
            if (store.get(digests[i]) == null) {
                throw new IllegalStateException("setup: stored key not found");
            }
        }
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

    /**
     * The part of a verify that cannot help depending on the store's size: one look-up of an already computed
     * digest in the store's hash map, and one read of the record found (the next of the same rotation). Its own
     * 1M-1k difference is what finding a record among a million rather than a thousand costs, whatever the
     * pipeline around it does. Which probe comes next depends on the record read (through a bit that is always
     * zero), so that, as in a verify, one look-up's cache and TLB misses cannot overlap the next one's: without
     * that dependency the CPU ran several look-ups at once and hid most of their latency.
     */
    @Benchmark
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public KeyRecord bareLookup() {
        int i = nextDigest;
        KeyRecord r = store.get(digests[i]);
        int next = i + 1 + (int) (r.version() >>> 63);
        nextDigest = next == digests.length ? 0 : next;
        return r;
    }

    /** A valid key, the next of the rotation. */
    @Benchmark
    public Decision verifyValid() {
        int i = next;
        next = i + 1 == requests.length ? 0 : i + 1;
        return verifier.verify(requests[i]);
    }
}
