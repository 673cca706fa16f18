package dev.apikey.hazelcast;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ClientConnectionStrategyConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.IndexConfig;
import com.hazelcast.config.IndexType;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.NearCacheConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.hazelcast.internal.HazelcastKeyStore;
import dev.apikey.hazelcast.internal.HazelcastRateLimiter;
import dev.apikey.hazelcast.internal.HazelcastUsageCounters;
import dev.apikey.hazelcast.internal.Ops;
import dev.apikey.hazelcast.internal.Serializers;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.RateLimiter;
import dev.apikey.spi.UsageCounters;

import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The one entry point of the Hazelcast module. Configure members with {@link #configure(Config)} (and
 * clients with {@link #configureClient(ClientConfig)}), start the instance, then
 * {@code ApiKeyHazelcast.from(instance)} gives core its {@link #keyStore()}, {@link #rateLimiter()} and
 * {@link #usageCounters()}:
 *
 * <pre>{@code
 * HazelcastInstance hz = Hazelcast.newHazelcastInstance(ApiKeyHazelcast.configure(config));
 * ApiKeyHazelcast cluster = ApiKeyHazelcast.from(hz);
 * ApiKeyVerifier verifier = ApiKeyVerifier.builder(cluster.keyStore())
 *         .rateLimiter(cluster.rateLimiter()).usageCounters(cluster.usageCounters()).build();
 * }</pre>
 *
 * <p>Every key-store operation is bounded by {@link HazelcastOptions#operationTimeout()}; past it, or when the
 * cluster cannot be reached, the store throws {@code StoreUnavailableException}, which the verifier answers
 * with 503. The limiter and counters run their per-request entry processor on the calling thread (no hand-off
 * to another thread per request); they fail at once while a client is disconnected and otherwise within
 * Hazelcast's own invocation timeout. Members must have apikey-core and apikey-hazelcast on their classpath (the entry
 * processors and the merge policy run there) and must be configured with {@link #configure}.
 */
public final class ApiKeyHazelcast implements AutoCloseable {
    /** Hazelcast property that batches near-cache invalidations; with batching a revocation can take 10 s. */
    public static final String INVALIDATION_BATCH_PROPERTY = "hazelcast.map.invalidation.batch.enabled";
    /** Largest near cache of the registry, in entries (least recently used entries are evicted). */
    public static final int NEAR_CACHE_MAX_ENTRIES = 100_000;

    private final HazelcastInstance instance;
    private final HazelcastOptions options;
    private final KeyStore keyStore;
    private final RateLimiter rateLimiter;
    private final UsageCounters usageCounters;
    private final ExecutorService blockingCalls;
    private final UUID lifecycleListener;
    private volatile boolean connected;

    private ApiKeyHazelcast(HazelcastInstance instance, HazelcastOptions options) {
        this.instance = instance;
        this.options = options;
        this.connected = instance.getLifecycleService().isRunning();
        // Clients report (dis)connection here; while disconnected every operation fails at once (503) instead
        // of being served from a near cache that no longer receives invalidations.
        this.lifecycleListener = instance.getLifecycleService().addLifecycleListener(this::onLifecycle);
        Ops ops = new Ops(options.operationTimeout(), () -> connected);
        this.blockingCalls = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "apikey-hazelcast-query");
            t.setDaemon(true);
            return t;
        });
        this.keyStore = new HazelcastKeyStore(instance.getMap(options.registryMap()), instance.getMap(options.idMap()),
                ops, blockingCalls);
        int lease = options.rateLimitMode() == RateLimitMode.LEASE ? options.leasePermits() : 0;
        this.rateLimiter = new HazelcastRateLimiter(instance.getMap(options.rateLimitMap()), ops, lease,
                options.leaseDuration().toNanos());
        this.usageCounters = new HazelcastUsageCounters(instance.getMap(options.counterMap()), ops);
    }

    private void onLifecycle(LifecycleEvent event) {
        switch (event.getState()) {
            case CLIENT_CONNECTED, STARTED, MERGED -> connected = true;
            case CLIENT_DISCONNECTED, SHUTTING_DOWN, SHUTDOWN -> connected = false;
            default -> {
            }
        }
    }

    /** The store, limiter and counters on {@code instance} (a member or a client) with the default options. */
    public static ApiKeyHazelcast from(HazelcastInstance instance) {
        return from(instance, HazelcastOptions.defaults());
    }

    /**
     * The store, limiter and counters on {@code instance} (a member or a client).
     *
     * @throws InvalidConfigurationException if the options' map-name prefix is a pattern
     */
    public static ApiKeyHazelcast from(HazelcastInstance instance, HazelcastOptions options) {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(options, "options");
        if (options.mapNamePrefix().indexOf('*') >= 0) {
            throw new InvalidConfigurationException("map-name prefix '" + options.mapNamePrefix()
                    + "' is a pattern; from(...) needs a concrete prefix");
        }
        return new ApiKeyHazelcast(instance, options);
    }

    /**
     * Applies the recommended member settings with the default map names; see
     * {@link #configure(Config, HazelcastOptions)}.
     */
    public static Config configure(Config config) {
        return configure(config, HazelcastOptions.defaults());
    }

    /**
     * Applies the recommended member settings for the maps named by {@code options} (a prefix with a {@code *}
     * configures every prefix it matches) and returns {@code config}:
     * <ul>
     *   <li>registers the Compact serializers of records, rate-limit state and entry processors;</li>
     *   <li>turns near-cache invalidation batching off, so a revocation reaches other members' near caches
     *       at once rather than within up to 10 s;</li>
     *   <li>registry: backup count 1, near cache (object format, invalidate on change, TTL
     *       {@link HazelcastOptions#nearCacheTtl()} bounding staleness if an invalidation is lost), hash
     *       indexes on owner and tenant, {@link RevokedWinsMergePolicy};</li>
     *   <li>id, rate-limit and counter maps: backup count 1 and {@link RevokedWinsMergePolicy}; rate-limit and
     *       counter entries carry their own TTL (set by the entry processors) and leave the map when spent.</li>
     * </ul>
     * Call it once per config; members need apikey-core and apikey-hazelcast on their classpath.
     */
    public static Config configure(Config config, HazelcastOptions options) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(options, "options");
        config.setProperty(INVALIDATION_BATCH_PROPERTY, "false");
        for (CompactSerializer<?> s : Serializers.all()) {
            config.getSerializationConfig().getCompactSerializationConfig().addSerializer(s);
        }
        MapConfig registry = baseMap(options.registryMap())
                .setNearCacheConfig(nearCache(options).setCacheLocalEntries(false));
        registry.addIndexConfig(new IndexConfig(IndexType.HASH, "owner"));
        registry.addIndexConfig(new IndexConfig(IndexType.HASH, "tenant"));
        config.addMapConfig(registry);
        config.addMapConfig(baseMap(options.idMap()));
        config.addMapConfig(baseMap(options.rateLimitMap()));
        config.addMapConfig(baseMap(options.counterMap()));
        return config;
    }

    /** Applies the recommended client settings with the default map names; see {@link #configureClient(ClientConfig, HazelcastOptions)}. */
    public static ClientConfig configureClient(ClientConfig config) {
        return configureClient(config, HazelcastOptions.defaults());
    }

    /**
     * Applies the recommended client settings and returns {@code config}: the Compact serializers, a
     * client-side near cache of the registry (invalidate on change, TTL as on members) and the ASYNC
     * reconnect mode, so that while the client is disconnected operations fail at once (503) instead of
     * blocking. The cluster connect timeout stays the caller's choice.
     */
    public static ClientConfig configureClient(ClientConfig config, HazelcastOptions options) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(options, "options");
        for (CompactSerializer<?> s : Serializers.all()) {
            config.getSerializationConfig().getCompactSerializationConfig().addSerializer(s);
        }
        config.addNearCacheConfig(nearCache(options));
        config.getConnectionStrategyConfig().setReconnectMode(ClientConnectionStrategyConfig.ReconnectMode.ASYNC);
        return config;
    }

    private static MapConfig baseMap(String name) {
        return new MapConfig(name)
                .setBackupCount(1)
                .setAsyncBackupCount(0)
                .setMergePolicyConfig(new MergePolicyConfig(RevokedWinsMergePolicy.class.getName(),
                        MergePolicyConfig.DEFAULT_BATCH_SIZE));
    }

    private static NearCacheConfig nearCache(HazelcastOptions options) {
        return new NearCacheConfig(options.registryMap())
                .setInMemoryFormat(InMemoryFormat.OBJECT)
                .setInvalidateOnChange(true)
                .setTimeToLiveSeconds((int) options.nearCacheTtl().toSeconds())
                .setEvictionConfig(new EvictionConfig()
                        .setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.ENTRY_COUNT)
                        .setSize(NEAR_CACHE_MAX_ENTRIES));
    }

    /** The key store (registry and id maps). */
    public KeyStore keyStore() {
        return keyStore;
    }

    /** The rate limiter, exact or lease mode as the options say. */
    public RateLimiter rateLimiter() {
        return rateLimiter;
    }

    /** The quota and credit counters. */
    public UsageCounters usageCounters() {
        return usageCounters;
    }

    /** The options in use. */
    public HazelcastOptions options() {
        return options;
    }

    /** The Hazelcast instance. */
    public HazelcastInstance instance() {
        return instance;
    }

    /** Stops listening to the instance's lifecycle; the instance itself stays up (it is the caller's). */
    @Override
    public void close() {
        try {
            instance.getLifecycleService().removeLifecycleListener(lifecycleListener);
        } catch (RuntimeException e) {
            // The instance is already down: nothing to remove.
        }
        blockingCalls.shutdown();
    }

    @Override
    public String toString() {
        return "ApiKeyHazelcast[" + options + "]";
    }
}
