package dev.apikey.benchmarks;

import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.Decision;
import dev.apikey.Environment;
import dev.apikey.KeyFormat;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.ScopeRequirement;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.KeyStore;
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
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * The verification pipeline against its floor: a bare SHA-256 of the same key. Run with {@code -prof gc}
 * for allocation per operation. Auditing is off ({@link AuditSink#NONE}): the pipeline is measured, not a sink.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// Five 2 s warm-up rounds: with three 1 s rounds both the pipeline and the bare digest were still getting
// faster during measurement on the 2-core machine (the JIT shares it), which inflated the mean and its error.
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 1)
@Fork(1)
public class VerifyBenchmark {
    /** Number of keys in the store besides the one verified. */
    @Param({"1000"})
    public int keys;

    private ApiKeyVerifier verifier;
    private AccessRequest valid;
    private AccessRequest malformed;
    private AccessRequest unknown;
    private byte[] validBytes;
    private MessageDigest sha;
    private final CRC32 crc = new CRC32();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        KeyedVerifier kv = keyedVerifier(new InMemoryKeyStore(), keys);
        verifier = kv.verifier();
        String key = kv.key();
        ScopeRequirement req = ScopeRequirement.all("billing:read");
        List<String> validHeader = List.of(key);
        valid = request(validHeader, req);
        String broken = key.substring(0, 45) + (key.charAt(45) == 'a' ? 'b' : 'a');
        malformed = request(List.of(broken), req);
        unknown = request(List.of(KeyFormat.ofDefaults().generate(Environment.LIVE).reveal()), req);
        validBytes = key.getBytes(StandardCharsets.US_ASCII);
        sha = MessageDigest.getInstance("SHA-256");
        if (!verifier.verify(valid).isAllowed()) {
            throw new IllegalStateException("setup: valid key rejected");
        }
    }

    /** A verifier and the key it is measured with. */
    record KeyedVerifier(ApiKeyVerifier verifier, String key) {
    }

    /**
     * Issues {@code keys} keys into {@code store}, then the benchmark's own (two scopes, a local rate limit that
     * never refuses), and returns it with a verifier over {@code store}: auditing and the failure throttle off.
     */
    static KeyedVerifier keyedVerifier(KeyStore store, int keys) {
        KeyManager manager = KeyManager.builder(store).auditSink(AuditSink.NONE).build();
        for (int i = 0; i < keys; i++) {
            manager.issue(KeyRequest.builder().owner("owner-" + (i % 100)).scopes("billing:read").build());
        }
        String key = manager.issue(KeyRequest.builder().owner("bench").scopes("billing:read", "reports:read")
                .rateLimit("1000000000/1s").build()).key().reveal();
        return new KeyedVerifier(ApiKeyVerifier.builder(store).from(manager).auditSink(AuditSink.NONE)
                .clientThrottle(ClientThrottle.disabled()).build(), key);
    }

    static AccessRequest request(List<String> value, ScopeRequirement req) {
        return AccessRequest.builder().remoteAddress("127.0.0.1").method("GET").path("/billing")
                .headers(name -> name.equalsIgnoreCase("X-API-Key") ? value : List.of()).requirement(req).build();
    }

    @TearDown
    public void tearDown() {
        verifier.close();
    }

    /** The floor: SHA-256 of the key's bytes, as the pipeline must do once. */
    @Benchmark
    public byte[] bareSha256() {
        return sha.digest(validBytes);
    }

    /**
     * A floor part: the format's CRC32 (JDK) over the key's text before its checksum, which every key, valid or
     * malformed, needs before any lookup.
     */
    @Benchmark
    public long checksumFloor() {
        crc.reset();
        crc.update(validBytes, 0, validBytes.length - KeyFormat.CHECKSUM_LENGTH);
        return crc.getValue();
    }

    /** A floor part: one read of the system clock, which a valid key's expiry and rate limit need. */
    @Benchmark
    public long clockFloor() {
        return System.currentTimeMillis();
    }

    /** A valid key with a scope check and a local rate limit. */
    @Benchmark
    public Decision verifyValid() {
        return verifier.verify(valid);
    }

    /** A key with a broken checksum: rejected before hashing. */
    @Benchmark
    public Decision rejectMalformed() {
        return verifier.verify(malformed);
    }

    /** A well-formed key that is not stored: one hash, one lookup. */
    @Benchmark
    public Decision rejectUnknown() {
        return verifier.verify(unknown);
    }
}
