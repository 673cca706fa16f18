package dev.apikey.examples;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.zaxxer.hikari.HikariDataSource;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.VerifierBuilder;
import dev.apikey.hazelcast.ApiKeyHazelcast;
import dev.apikey.hazelcast.HazelcastOptions;
import dev.apikey.jdbc.JdbcKeyStore;
import dev.apikey.jdbc.JdbcUsageCounters;
import dev.apikey.spi.KeyStore;
import dev.apikey.store.FileKeyStore;
import dev.apikey.store.InMemoryKeyStore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * Where the demo keeps its keys and counts, from {@code --store} and {@code --cluster}:
 * <ul>
 *   <li>{@code memory} or {@code file:PATH}: this process only; rate limits, quotas and credits in memory;</li>
 *   <li>{@code jdbc:postgresql://...}: keys, quotas and credits in PostgreSQL; rate limits in memory;</li>
 *   <li>{@code --cluster}: keys, rate limits, quotas and credits in the embedded Hazelcast member's maps;</li>
 *   <li>{@code --cluster --store jdbc:...}: the cluster's registry written through to PostgreSQL and loaded from it,
 *       quotas and credits in PostgreSQL, rate limits in the cluster (docs/cluster.md).</li>
 * </ul>
 */
final class DemoStores implements AutoCloseable {
    /**
     * The bound on each statement of a store that backs the cluster: Hazelcast runs its loads and writes on the
     * partition threads, so a slow database must not hold them long (docs/jdbc.md, "A durable cluster").
     */
    static final Duration BACKING_QUERY_TIMEOUT = Duration.ofSeconds(2);

    private final KeyStore keyStore;
    private final String kind;
    private final HazelcastInstance hazelcast;
    private final ApiKeyHazelcast cluster;
    private final HikariDataSource pool;

    private DemoStores(KeyStore keyStore, String kind, HazelcastInstance hazelcast, ApiKeyHazelcast cluster,
                       HikariDataSource pool) {
        this.keyStore = keyStore;
        this.kind = kind;
        this.hazelcast = hazelcast;
        this.cluster = cluster;
        this.pool = pool;
    }

    /**
     * Opens what {@code store} and {@code cluster} name, reading the database password and the cluster secret from
     * {@code env}. On failure nothing stays open.
     *
     * @throws InvalidConfigurationException if an option or a variable is wrong (the message never repeats a
     *                                       URL or a secret)
     */
    static DemoStores open(String store, boolean cluster, String clusterPorts, Function<String, String> env) {
        if (store.equals("memory")) {
            return cluster ? clustered(DemoCluster.options(env), clusterPorts, null)
                    : new DemoStores(new InMemoryKeyStore(), "memory", null, null, null);
        }
        if (store.startsWith("file:") && store.length() > 5 && !cluster) {
            return new DemoStores(FileKeyStore.builder(Path.of(store.substring(5))).build(), "file", null, null, null);
        }
        if (store.startsWith("jdbc:")) {
            // The secret first: a missing one fails the start before any connection is made.
            HazelcastOptions options = cluster ? DemoCluster.options(env) : null;
            HikariDataSource pool = DemoDatabase.open(store, env);
            try {
                if (options != null) {
                    JdbcKeyStore backing = JdbcKeyStore.builder(pool).createSchema(true)
                            .queryTimeout(BACKING_QUERY_TIMEOUT).build();
                    return clustered(HazelcastOptions.from(options).backingStore(backing).build(), clusterPorts, pool);
                }
                return new DemoStores(JdbcKeyStore.builder(pool).createSchema(true).build(), "postgresql", null, null, pool);
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
        }
        if (cluster) {
            throw new InvalidConfigurationException("--cluster keeps keys in the cluster, or in PostgreSQL with "
                    + "--store jdbc:postgresql://HOST[:PORT]/DB?user=U; a file store serves one node only");
        }
        // Not echoed: whatever it is, it may hold a credential.
        throw new InvalidConfigurationException("--store must be memory, file:PATH or jdbc:postgresql://HOST[:PORT]/DB?user=U");
    }

    private static DemoStores clustered(HazelcastOptions options, String ports, HikariDataSource pool) {
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(DemoCluster.memberConfig(ports, options));
        ApiKeyHazelcast cluster;
        try {
            cluster = ApiKeyHazelcast.from(hz, options);
        } catch (RuntimeException e) {
            hz.shutdown();
            throw e;
        }
        return new DemoStores(cluster.keyStore(), pool == null ? "cluster" : "cluster backed by postgresql", hz, cluster,
                pool);
    }

    /** The store keys are issued into and looked up in. */
    KeyStore keyStore() {
        return keyStore;
    }

    /** What the ready line names: the kind of store, never its path or URL. */
    String kind() {
        return kind;
    }

    /**
     * Gives {@code verifier} the rate limiter and counters that go with the store: the cluster's rate limiter, and
     * the database's quota and credit counters whenever there is a database (durable, so a restart of every node
     * resets no balance); the cluster's counters only without one. Otherwise the verifier's defaults (in memory).
     */
    VerifierBuilder applyTo(VerifierBuilder verifier) {
        if (cluster != null) {
            verifier.rateLimiter(cluster.rateLimiter()).usageCounters(cluster.usageCounters());
        }
        if (pool != null) {
            verifier.usageCounters(JdbcUsageCounters.builder(pool).build());
        }
        return verifier;
    }

    /** Stops the member before the pool, since the member's map store writes through the pool until it stops. */
    @Override
    public void close() {
        if (cluster != null) {
            cluster.close();
        }
        if (hazelcast != null) {
            hazelcast.shutdown();
        }
        if (pool != null) {
            pool.close();
        }
    }
}
