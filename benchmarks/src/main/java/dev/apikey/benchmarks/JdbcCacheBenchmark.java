package dev.apikey.benchmarks;

import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.Decision;
import dev.apikey.ScopeRequirement;
import dev.apikey.jdbc.CacheOptions;
import dev.apikey.jdbc.JdbcKeyStore;
import dev.apikey.store.InMemoryKeyStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Valid verify with {@link JdbcKeyStore} behind its per-node cache (a hit: no SQL) against the same verify with
 * {@link InMemoryKeyStore}: the same verifier settings as {@link VerifyBenchmark#verifyValid} (a scope check, a
 * local rate limit; {@link VerifyBenchmark#keyedVerifier}), 1000 other keys in each store. Needs PostgreSQL (see {@link BenchDatabase}).
 *
 * <p>Every fork sets up both stores, whichever it measures, so both measurements run in a JVM with the same heap
 * and the same threads (the cache's listener, the pool's housekeeping). The cache has its default options
 * ({@link CacheOptions#ofDefaults()}: a 5 s TTL), so one verify in every 5 s reads the record again, as a node
 * serving a busy key does: at 400 ns a verify, one call in about twelve million.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 1)
@Fork(1)
public class JdbcCacheBenchmark {
    private static final int KEYS = 1000;

    private BenchDatabase db;
    private JdbcKeyStore jdbcStore;
    private ApiKeyVerifier inMemory;
    private ApiKeyVerifier cachedJdbc;
    private AccessRequest inMemoryRequest;
    private AccessRequest cachedJdbcRequest;

    @Setup
    public void setUp() throws Exception {
        String unreachable = BenchDatabase.whyUnreachable();
        if (unreachable != null) {
            throw new IllegalStateException("JdbcCacheBenchmark needs PostgreSQL: " + unreachable);
        }
        db = BenchDatabase.open("apikey_bench_cache");
        jdbcStore = JdbcKeyStore.builder(db.pool("apikey-bench-cache", 4)).createSchema(true)
                .cache(CacheOptions.ofDefaults()).build();
        JdbcBench.awaitListening(jdbcStore);
        VerifyBenchmark.KeyedVerifier memory = VerifyBenchmark.keyedVerifier(new InMemoryKeyStore(), KEYS);
        VerifyBenchmark.KeyedVerifier jdbc = VerifyBenchmark.keyedVerifier(jdbcStore, KEYS);
        inMemory = memory.verifier();
        cachedJdbc = jdbc.verifier();
        ScopeRequirement req = ScopeRequirement.all("billing:read");
        inMemoryRequest = VerifyBenchmark.request(List.of(memory.key()), req);
        cachedJdbcRequest = VerifyBenchmark.request(List.of(jdbc.key()), req);
        // The first verify of the JDBC key reads the database and caches the record; every one after is a hit.
        for (int i = 0; i < 2; i++) {
            if (!inMemory.verify(inMemoryRequest).isAllowed() || !cachedJdbc.verify(cachedJdbcRequest).isAllowed()) {
                throw new IllegalStateException("setup: valid key rejected");
            }
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        // Without its listener the cache keeps nothing and every verify reads the database: not what was asked.
        boolean listened = jdbcStore.cacheListening();
        inMemory.close();
        cachedJdbc.close();
        jdbcStore.close();
        db.close();
        if (!listened) {
            throw new IllegalStateException("the cache's listener was lost during the run: not every verify was a hit");
        }
    }

    /** The baseline: a valid verify against {@link InMemoryKeyStore}. */
    @Benchmark
    public Decision verifyInMemory() {
        return inMemory.verify(inMemoryRequest);
    }

    /** A valid verify against {@link JdbcKeyStore}, answered by its cache. */
    @Benchmark
    public Decision verifyCachedJdbc() {
        return cachedJdbc.verify(cachedJdbcRequest);
    }
}
