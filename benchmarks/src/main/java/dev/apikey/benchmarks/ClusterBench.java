package dev.apikey.benchmarks;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import dev.apikey.KeyDigest;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyRequest;
import dev.apikey.KeyStatus;
import dev.apikey.RateLimitPolicy;
import dev.apikey.hazelcast.ApiKeyHazelcast;
import dev.apikey.hazelcast.HazelcastOptions;
import dev.apikey.hazelcast.RateLimitMode;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.RateLimiter;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The cluster benchmark: three embedded Hazelcast members in this JVM on loopback, as the Hazelcast module's
 * tests run them. Measures, in one run on one cluster:
 * <ul>
 *   <li>revocation propagation: revoke on one member, time until another member's store (near cache) reads
 *       REVOKED, over N keys (default 1000);</li>
 *   <li>a bare entry-processor round trip (increment a long), the floor of any exact distributed limiter;</li>
 *   <li>rate-limit checks in exact mode, in lease mode and with Bucket4j's entry-processor proxy manager:
 *       single-thread latency (p50/p99) and multi-thread throughput with a limit that never refuses, and the
 *       over-admission of {@code 100/1s} hammered from all three members for 2 s (admitted against what an exact
 *       limiter admits: burst plus one permit per interval).</li>
 * </ul>
 * Prints {@code name value} lines. Usage: {@code ClusterBench [revocations]}.
 */
public final class ClusterBench {
    private static final String HIGH = "1000000000/1s";
    private static final int THREADS = 4;

    private ClusterBench() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        int revocations = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        java.util.logging.Logger.getLogger("com.hazelcast").setLevel(java.util.logging.Level.WARNING);
        // Our recommended member settings (near cache with invalidation, batching off, merge policy) for maps
        // apikey*, so each measurement can take maps of its own.
        List<HazelcastInstance> members = startCluster(3, 5951,
                HazelcastOptions.custom().mapNamePrefix("apikey*").clusterSecret(SECRET).build());
        try {
            // 0 revocations runs the rate-limit part alone (for profiling it).
            if (revocations > 0) {
                revocation(members, revocations);
            }
            rateLimits(members);
        } finally {
            members.forEach(HazelcastInstance::shutdown);
        }
        System.exit(0);
    }

    // ---- cluster -------------------------------------------------------------------------------------------

    /**
     * {@code size} members on 127.0.0.1 from port {@code first} up, each configured by
     * {@link ApiKeyHazelcast#configure} with {@code options}; returns once all of them see the whole cluster.
     */
    static List<HazelcastInstance> startCluster(int size, int first, HazelcastOptions options) {
        String name = "apikey-bench-" + UUID.randomUUID().toString().substring(0, 8);
        List<HazelcastInstance> members = new ArrayList<>();
        List<Thread> starters = new ArrayList<>();
        members.add(Hazelcast.newHazelcastInstance(memberConfig(name, first, first, size, options)));
        HazelcastInstance[] rest = new HazelcastInstance[size - 1];
        for (int i = 1; i < size; i++) {
            int idx = i;
            Thread t = new Thread(() -> rest[idx - 1] = Hazelcast.newHazelcastInstance(memberConfig(name, first + idx, first, size, options)));
            t.start();
            starters.add(t);
        }
        for (Thread t : starters) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        members.addAll(Arrays.asList(rest));
        while (members.stream().anyMatch(m -> m.getCluster().getMembers().size() != size)) {
            Thread.onSpinWait();
        }
        return members;
    }

    private static Config memberConfig(String clusterName, int port, int first, int size, HazelcastOptions options) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.health.monitoring.level", "OFF");
        config.getJetConfig().setEnabled(false);
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (int i = 0; i < size; i++) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + (first + i));
        }
        // Bucket4j's own serializers, so that its entry processors cross members without Java serialization, which
        // the members refuse (ApiKeyHazelcast.configure sets a deserialization filter).
        io.github.bucket4j.grid.hazelcast.HazelcastProxyManager.addCustomSerializers(config.getSerializationConfig(), 10_000);
        return ApiKeyHazelcast.configure(config, options);
    }

    /** The members' cluster secret (a fixed one: the benchmark's members live in one JVM on loopback). */
    static final byte[] SECRET = "apikey benchmark cluster secret, 32+ bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private static HazelcastOptions options(String prefix, RateLimitMode mode) {
        return HazelcastOptions.custom().mapNamePrefix(prefix).rateLimitMode(mode).clusterSecret(SECRET).build();
    }

    // ---- revocation ----------------------------------------------------------------------------------------

    private static void revocation(List<HazelcastInstance> members, int n) {
        HazelcastOptions opts = options("apikey-revoke", RateLimitMode.EXACT);
        List<KeyStore> stores = new ArrayList<>();
        List<KeyManager> managers = new ArrayList<>();
        for (HazelcastInstance m : members) {
            KeyStore s = ApiKeyHazelcast.from(m, opts).keyStore();
            stores.add(s);
            managers.add(KeyManager.builder(s).auditSink(AuditSink.NONE).build());
        }
        long[] micros = new long[n];
        for (int i = 0; i < n + 50; i++) {
            int writer = i % members.size();
            int reader = (i + 1) % members.size();
            KeyRecord rec = managers.get(writer).issue(KeyRequest.builder().owner("bench").scopes("bench:read").build()).record();
            KeyDigest digest = rec.digest();
            // The reader has the active record in its near cache, as a node that served the key has.
            while (stores.get(reader).findByDigest(digest).map(r -> r.status() != KeyStatus.ACTIVE).orElse(true)) {
                Thread.onSpinWait();
            }
            stores.get(reader).findByDigest(digest);
            long start = System.nanoTime();
            managers.get(writer).revoke(rec.id());
            long deadline = start + 5_000_000_000L;
            while (stores.get(reader).findByDigest(digest).orElseThrow().status() != KeyStatus.REVOKED) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("revocation not seen within 5 s");
                }
                Thread.onSpinWait();
            }
            if (i >= 50) {
                micros[i - 50] = (System.nanoTime() - start) / 1000;
            }
        }
        Arrays.sort(micros);
        print("revocation.count", n);
        print("revocation.p50.ms", micros[n / 2] / 1000.0);
        print("revocation.p99.ms", micros[(int) (n * 0.99)] / 1000.0);
    }

    // ---- rate limits ---------------------------------------------------------------------------------------

    /** One way of checking a rate limit: {@code check(member, key)} is true if admitted. */
    private interface Checker {
        boolean check(int member, String key);
    }

    private static void rateLimits(List<HazelcastInstance> members) throws Exception {
        int m = members.size();
        List<IMap<String, Long>> bare = new ArrayList<>();
        List<RateLimiter> exact = new ArrayList<>();
        List<RateLimiter> lease = new ArrayList<>();
        List<ProxyManager<String>> b4j = new ArrayList<>();
        for (HazelcastInstance h : members) {
            bare.add(h.getMap("bench.bare"));
            exact.add(ApiKeyHazelcast.from(h, options("apikey-exact", RateLimitMode.EXACT)).rateLimiter());
            lease.add(ApiKeyHazelcast.from(h, options("apikey-lease", RateLimitMode.LEASE)).rateLimiter());
            b4j.add(Bucket4jHazelcast.entryProcessorBasedBuilder(h.<String, byte[]>getMap("bench.bucket4j")).build());
        }
        RateLimitPolicy high = RateLimitPolicy.parse(HIGH);
        Checker bareEp = (i, k) -> bare.get(i).executeOnKey(k, new Increment()) > 0;
        Checker exactMode = (i, k) -> exact.get(i).tryAcquire(k, high, wallNanos()).allowed();
        Checker leaseMode = (i, k) -> lease.get(i).tryAcquire(k, high, wallNanos()).allowed();
        Supplier<BucketConfiguration> highConfig = () -> BucketConfiguration.builder()
                .addLimit(l -> l.capacity(1_000_000_000L).refillGreedy(1_000_000_000L, Duration.ofSeconds(1))).build();
        Checker bucket4j = (i, k) -> b4j.get(i).getProxy(k, highConfig).tryConsume(1);
        Map<String, Checker> checkers = new java.util.LinkedHashMap<>();
        checkers.put("bare", bareEp);
        checkers.put("exact", exactMode);
        checkers.put("lease", leaseMode);
        checkers.put("bucket4j", bucket4j);

        // Keys owned by another member than the caller (member 0), so every round trip leaves the member.
        List<String> keys = new ArrayList<>();
        for (int i = 0; keys.size() < 64; i++) {
            String k = "bench-key-" + i;
            if (!members.get(0).getPartitionService().getPartition(k).getOwner().localMember()) {
                keys.add(k);
            }
        }
        // Latency: one thread on member 0, the methods interleaved in rounds so that noise hits them alike.
        Map<String, long[]> lat = new java.util.LinkedHashMap<>();
        int perRound = 1000;
        int rounds = 12;
        checkers.keySet().forEach(name -> lat.put(name, new long[perRound * (rounds - 2)]));
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, Checker> e : checkers.entrySet()) {
                for (int i = 0; i < perRound; i++) {
                    String k = keys.get(i % keys.size());
                    long t0 = System.nanoTime();
                    e.getValue().check(0, k);
                    long t = System.nanoTime() - t0;
                    if (r >= 2) {
                        lat.get(e.getKey())[(r - 2) * perRound + i] = t;
                    }
                }
            }
        }
        for (Map.Entry<String, long[]> e : lat.entrySet()) {
            long[] v = e.getValue();
            Arrays.sort(v);
            print(e.getKey() + ".p50.us", v[v.length / 2] / 1000.0);
            print(e.getKey() + ".p99.us", v[(int) (v.length * 0.99)] / 1000.0);
        }
        // Throughput: THREADS threads spread over the members, each on its own key, for 3 s per method.
        for (Map.Entry<String, Checker> e : checkers.entrySet()) {
            print(e.getKey() + ".ops", throughput(e.getValue(), m, keys, 3_000));
        }
        // Over-admission of 100/1s: 2 threads per member on one fresh key for 2 s.
        RateLimitPolicy small = RateLimitPolicy.parse("100/1s");
        Supplier<BucketConfiguration> smallConfig = () -> BucketConfiguration.builder()
                .addLimit(l -> l.capacity(100).refillGreedy(100, Duration.ofSeconds(1))).build();
        over("exact", m, (i, k) -> exact.get(i).tryAcquire(k, small, wallNanos()).allowed());
        over("lease", m, (i, k) -> lease.get(i).tryAcquire(k, small, wallNanos()).allowed());
        over("bucket4j", m, (i, k) -> b4j.get(i).getProxy(k, smallConfig).tryConsume(1));
    }

    private static double throughput(Checker c, int members, List<String> keys, long millis) throws InterruptedException {
        LongAdder ops = new LongAdder();
        long end = System.nanoTime() + millis * 1_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int member = t % members;
            String key = keys.get(t);
            Thread th = new Thread(() -> {
                long n = 0;
                while (System.nanoTime() < end) {
                    c.check(member, key);
                    n++;
                }
                ops.add(n);
            });
            threads.add(th);
        }
        long start = System.nanoTime();
        threads.forEach(Thread::start);
        for (Thread th : threads) {
            th.join();
        }
        return ops.sum() / ((System.nanoTime() - start) / 1e9);
    }

    private static void over(String name, int members, Checker c) throws InterruptedException {
        String key = "over-" + name + "-" + UUID.randomUUID();
        long windowNanos = 2_000_000_000L;
        AtomicLong admitted = new AtomicLong();
        long start = System.nanoTime();
        long end = start + windowNanos;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2 * members; t++) {
            int member = t % members;
            Thread th = new Thread(() -> {
                while (true) {
                    boolean ok = c.check(member, key);
                    // Count only decisions made inside the window.
                    if (System.nanoTime() >= end) {
                        return;
                    }
                    if (ok) {
                        admitted.incrementAndGet();
                    }
                }
            });
            threads.add(th);
        }
        threads.forEach(Thread::start);
        for (Thread th : threads) {
            th.join();
        }
        // An exact limiter admits the burst (100) plus one permit per interval (10 ms) in the window.
        long exactBound = 100 + windowNanos / 10_000_000L;
        print(name + ".admitted", admitted.get());
        print(name + ".allowed", exactBound);
        print(name + ".over.pct", Math.max(0, admitted.get() - exactBound) * 100.0 / exactBound);
    }

    private static long wallNanos() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    static void print(String name, double value) {
        System.out.println(name + " " + (value == Math.rint(value) ? String.valueOf((long) value) : String.format("%.3f", value)));
        System.out.flush();
    }

    /** The baseline: increments a long on the partition owner (backup by re-run, as Hazelcast does by default). */
    public static final class Increment implements EntryProcessor<String, Long, Long>, DataSerializable {
        private static final long serialVersionUID = 1L;

        /** Public for deserialization. */
        public Increment() {
        }

        @Override
        public Long process(Map.Entry<String, Long> entry) {
            long v = entry.getValue() == null ? 1 : entry.getValue() + 1;
            entry.setValue(v);
            return v;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
        }
    }
}
