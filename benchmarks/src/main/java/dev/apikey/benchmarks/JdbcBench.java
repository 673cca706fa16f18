package dev.apikey.benchmarks;

import com.hazelcast.core.HazelcastInstance;
import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.Outcome;
import dev.apikey.ScopeRequirement;
import dev.apikey.hazelcast.ApiKeyHazelcast;
import dev.apikey.hazelcast.HazelcastOptions;
import dev.apikey.jdbc.CacheOptions;
import dev.apikey.jdbc.JdbcKeyStore;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.KeyStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The JDBC rows that are latencies rather than a hot loop, on the real PostgreSQL of {@link BenchDatabase}:
 * <ul>
 *   <li>a valid verify on a cache miss against a bare {@code SELECT} by primary key on the same pool, interleaved
 *       in rounds (which goes first alternating), p50 and p99;</li>
 *   <li>revocation between two nodes (two caching {@link JdbcKeyStore}s, each over a pool of its own): the time
 *       from node A's {@code revoke} returning to node B's verifier refusing the key, which B had cached;</li>
 *   <li>an admin write (issue, then revoke) on a 3-member Hazelcast cluster whose registry is backed by a
 *       {@link JdbcKeyStore} ({@link HazelcastOptions.Builder#backingStore}) against the same write on a 3-member
 *       cluster without one, both clusters up side by side and the writes interleaved in rounds.</li>
 * </ul>
 * Prints {@code name value} lines, as {@link ClusterBench} does. Usage: {@code JdbcBench check} prints
 * {@code skipped: REASON} when no server answers, else {@code reachable}; {@code JdbcBench [perRound] [revocations]
 * [writesPerRound]} (defaults 500, 1000, 100) runs the three.
 */
public final class JdbcBench {
    private static final int ROUNDS = 12;
    private static final int WARM_ROUNDS = 2;
    private static final int WARM_REVOCATIONS = 50;
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);
    // The miss part's cache clock moves on by more than the TTL at every read, so every cached record has expired
    // by the next lookup: every verify is a miss that goes through the cache (probe, read, keep) as a real one does.
    private static final long HOP_NANOS = TimeUnit.HOURS.toNanos(2);

    private JdbcBench() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        String unreachable = BenchDatabase.whyUnreachable();
        if (args.length > 0 && args[0].equals("check")) {
            System.out.println(unreachable == null ? "reachable" : "skipped: " + unreachable);
            return;
        }
        if (unreachable != null) {
            throw new IllegalStateException("JdbcBench needs PostgreSQL: " + unreachable);
        }
        int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int revocations = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int writesPerRound = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        java.util.logging.Logger.getLogger("com.hazelcast").setLevel(java.util.logging.Level.WARNING);
        missAgainstSelect(perRound);
        revocation(revocations);
        writesThroughMapStore(writesPerRound);
        System.exit(0);
    }

    // ---- cache miss ----------------------------------------------------------------------------------------

    private static void missAgainstSelect(int perRound) throws Exception {
        try (BenchDatabase db = BenchDatabase.open("apikey_bench_miss")) {
            DataSource pool = db.pool("apikey-bench-miss", 4);
            AtomicLong ticker = new AtomicLong();
            JdbcKeyStore store = JdbcKeyStore.builder(pool).createSchema(true).cache(CacheOptions.custom()
                    .ttl(Duration.ofHours(1)).ticker(() -> ticker.addAndGet(HOP_NANOS)).build()).build();
            awaitListening(store);
            KeyManager manager = manager(store);
            for (int i = 0; i < 1000; i++) {
                manager.issue(KeyRequest.builder().owner("owner-" + (i % 100)).scopes("billing:read").build());
            }
            IssuedKey key = manager.issue(KeyRequest.builder().owner("bench").scopes("billing:read").build());
            String id = key.record().id();
            AccessRequest request = request(key, ScopeRequirement.all("billing:read"));
            try (ApiKeyVerifier verifier = verifier(store, manager)) {
                Timed miss = () -> {
                    if (!verifier.verify(request).isAllowed()) {
                        throw new IllegalStateException("valid key refused on a cache miss");
                    }
                };
                Timed select = () -> selectById(pool, id);
                long[][] nanos = interleaved(perRound, miss, select);
                percentiles("miss", nanos[0]);
                percentiles("select", nanos[1]);
            } finally {
                store.close();
            }
        }
    }

    /** The floor of a miss: borrow a connection, one prepared SELECT of the whole row by primary key, read it. */
    private static void selectById(DataSource pool, String id) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM apikey_keys WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("row not found by its primary key");
                }
                for (int i = 1, n = rs.getMetaData().getColumnCount(); i <= n; i++) {
                    rs.getString(i);
                }
            }
        }
    }

    // ---- revocation between two nodes ----------------------------------------------------------------------

    private static void revocation(int n) throws Exception {
        try (BenchDatabase db = BenchDatabase.open("apikey_bench_notify")) {
            JdbcKeyStore storeA = JdbcKeyStore.builder(db.pool("apikey-bench-node-a", 4)).createSchema(true)
                    .cache(CacheOptions.ofDefaults()).build();
            JdbcKeyStore storeB = JdbcKeyStore.builder(db.pool("apikey-bench-node-b", 4))
                    .cache(CacheOptions.ofDefaults()).build();
            awaitListening(storeA);
            awaitListening(storeB);
            KeyManager nodeA = manager(storeA);
            try (ApiKeyVerifier nodeB = verifier(storeB, manager(storeB))) {
                long[] nanos = new long[n];
                for (int i = 0; i < WARM_REVOCATIONS + n; i++) {
                    IssuedKey key = nodeA.issue(KeyRequest.builder().owner("bench").build());
                    AccessRequest request = request(key, ScopeRequirement.none());
                    // Twice: the first reads the record and caches it, the second is served from the cache.
                    for (int j = 0; j < 2; j++) {
                        expect(nodeB, request, Outcome.ALLOWED);
                    }
                    nodeA.revoke(key.record().id());
                    long start = System.nanoTime();
                    while (nodeB.verify(request).outcome() != Outcome.REVOKED_KEY) {
                        if (System.nanoTime() - start > DEADLINE_NANOS) {
                            throw new IllegalStateException("revocation not seen on node B within 10 s");
                        }
                        // A short pause, not a spin: on 2 cores a spinning poller would take the CPU that node B's
                        // listener and the database need, and measure itself.
                        LockSupport.parkNanos(50_000);
                    }
                    if (i >= WARM_REVOCATIONS) {
                        nanos[i - WARM_REVOCATIONS] = System.nanoTime() - start;
                    }
                }
                ClusterBench.print("notify.count", n);
                percentiles("notify", nanos);
            } finally {
                storeA.close();
                storeB.close();
            }
        }
    }

    private static void expect(ApiKeyVerifier verifier, AccessRequest request, Outcome outcome) {
        Outcome got = verifier.verify(request).outcome();
        if (got != outcome) {
            throw new IllegalStateException("expected " + outcome + ", got " + got);
        }
    }

    // ---- admin writes through the MapStore -----------------------------------------------------------------

    private static void writesThroughMapStore(int perRound) throws Exception {
        try (BenchDatabase db = BenchDatabase.open("apikey_bench_mapstore")) {
            // No cache of its own: the cluster is the cache (JdbcKeyStore's javadoc).
            JdbcKeyStore backing = JdbcKeyStore.builder(db.pool("apikey-bench-mapstore", 8)).createSchema(true).build();
            HazelcastOptions plainOptions = HazelcastOptions.custom().clusterSecret(ClusterBench.SECRET).build();
            HazelcastOptions backedOptions = HazelcastOptions.from(plainOptions).backingStore(backing).build();
            List<HazelcastInstance> plain = ClusterBench.startCluster(3, 5961, plainOptions);
            List<HazelcastInstance> backed = ClusterBench.startCluster(3, 5971, backedOptions);
            try {
                KeyManager withoutStore = manager(ApiKeyHazelcast.from(plain.get(0), plainOptions).keyStore());
                KeyManager withStore = manager(ApiKeyHazelcast.from(backed.get(0), backedOptions).keyStore());
                List<String> issuedWithout = new ArrayList<>();
                List<String> issuedWith = new ArrayList<>();
                KeyRequest request = KeyRequest.builder().owner("bench").scopes("billing:read").build();
                long[][] issue = interleaved(perRound,
                        () -> issuedWith.add(withStore.issue(request).record().id()),
                        () -> issuedWithout.add(withoutStore.issue(request).record().id()));
                percentiles("write.issue.store", issue[0]);
                percentiles("write.issue.plain", issue[1]);
                AtomicLong nextWith = new AtomicLong();
                AtomicLong nextWithout = new AtomicLong();
                long[][] revoke = interleaved(perRound,
                        () -> withStore.revoke(issuedWith.get((int) nextWith.getAndIncrement())),
                        () -> withoutStore.revoke(issuedWithout.get((int) nextWithout.getAndIncrement())));
                percentiles("write.revoke.store", revoke[0]);
                percentiles("write.revoke.plain", revoke[1]);
            } finally {
                plain.forEach(HazelcastInstance::shutdown);
                backed.forEach(HazelcastInstance::shutdown);
            }
        }
    }

    // ---- shared --------------------------------------------------------------------------------------------

    /** One timed operation. */
    private interface Timed {
        void run() throws Exception;
    }

    /**
     * {@value #ROUNDS} rounds of {@code perRound} calls of {@code a}, then as many of {@code b} (of {@code b}
     * first in every other round), so the host's slow seconds fall on both; the first {@value #WARM_ROUNDS} rounds
     * are not kept. Returns the kept latencies of {@code a} and of {@code b}, in nanoseconds.
     */
    private static long[][] interleaved(int perRound, Timed a, Timed b) throws Exception {
        int kept = perRound * (ROUNDS - WARM_ROUNDS);
        long[][] out = {new long[kept], new long[kept]};
        for (int r = 0; r < ROUNDS; r++) {
            for (int k = 0; k < 2; k++) {
                int which = (r + k) % 2;
                Timed op = which == 0 ? a : b;
                for (int i = 0; i < perRound; i++) {
                    long t0 = System.nanoTime();
                    op.run();
                    long t = System.nanoTime() - t0;
                    if (r >= WARM_ROUNDS) {
                        out[which][(r - WARM_ROUNDS) * perRound + i] = t;
                    }
                }
            }
        }
        return out;
    }

    /** Prints {@code name.p50.us} and {@code name.p99.us} of {@code nanos} (sorted in place). */
    private static void percentiles(String name, long[] nanos) {
        Arrays.sort(nanos);
        ClusterBench.print(name + ".p50.us", nanos[nanos.length / 2] / 1000.0);
        ClusterBench.print(name + ".p99.us", nanos[(int) Math.ceil(nanos.length * 0.99) - 1] / 1000.0);
    }

    /** Waits until {@code store}'s cache listens (its listener connects on a thread of its own). */
    static void awaitListening(JdbcKeyStore store) {
        long start = System.nanoTime();
        while (!store.cacheListening()) {
            if (System.nanoTime() - start > DEADLINE_NANOS) {
                throw new IllegalStateException("the cache's listener did not start within 10 s");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static KeyManager manager(KeyStore store) {
        return KeyManager.builder(store).auditSink(AuditSink.NONE).build();
    }

    private static ApiKeyVerifier verifier(KeyStore store, KeyManager manager) {
        return ApiKeyVerifier.builder(store).from(manager).auditSink(AuditSink.NONE)
                .clientThrottle(ClientThrottle.disabled()).build();
    }

    private static AccessRequest request(IssuedKey key, ScopeRequirement requirement) {
        return VerifyBenchmark.request(List.of(key.key().reveal()), requirement);
    }
}
