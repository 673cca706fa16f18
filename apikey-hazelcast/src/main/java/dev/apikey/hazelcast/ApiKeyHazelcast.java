package dev.apikey.hazelcast;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.client.config.ClientConnectionStrategyConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.IndexConfig;
import com.hazelcast.config.IndexType;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.NearCacheConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.hazelcast.internal.ClusterKeys;
import dev.apikey.hazelcast.internal.GuardInstaller;
import dev.apikey.hazelcast.internal.HazelcastKeyStore;
import dev.apikey.hazelcast.internal.HazelcastRateLimiter;
import dev.apikey.hazelcast.internal.HazelcastUsageCounters;
import dev.apikey.hazelcast.internal.IdMapLoader;
import dev.apikey.hazelcast.internal.MergeGuard;
import dev.apikey.hazelcast.internal.Ops;
import dev.apikey.hazelcast.internal.RegistryMapStore;
import dev.apikey.hazelcast.internal.SerializationFilters;
import dev.apikey.hazelcast.internal.Serializers;
import dev.apikey.hazelcast.internal.SplitBrainProtection;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.RateLimiter;
import dev.apikey.spi.UsageCounters;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The one entry point of the Hazelcast module. Configure members with {@link #configure(Config, HazelcastOptions)}
 * (and clients with {@link #configureClient(ClientConfig, HazelcastOptions)}), start the instance, then
 * {@code ApiKeyHazelcast.from(instance, options)} gives core its {@link #keyStore()}, {@link #rateLimiter()} and
 * {@link #usageCounters()}:
 *
 * <pre>{@code
 * HazelcastOptions options = HazelcastOptions.custom()
 *         .clusterSecretBase64(System.getenv(HazelcastOptions.CLUSTER_SECRET_ENV)).build();
 * HazelcastInstance hz = Hazelcast.newHazelcastInstance(ApiKeyHazelcast.configure(config, options));
 * ApiKeyHazelcast cluster = ApiKeyHazelcast.from(hz, options);
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
    /** Hazelcast property that, left true (its default), binds members to every interface whatever they are configured with. */
    public static final String BIND_ANY_PROPERTY = "hazelcast.socket.bind.any";
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
        ClusterKeys keys = ClusterKeys.of(options.clusterSecret());
        for (String map : List.of(options.registryMap(), options.idMap(), options.rateLimitMap(), options.counterMap())) {
            GuardInstaller.install(keys, instance.getMap(map));
        }
        this.keyStore = new HazelcastKeyStore(instance.getMap(options.registryMap()), instance.getMap(options.idMap()),
                keys, ops, blockingCalls);
        int lease = options.rateLimitMode() == RateLimitMode.LEASE ? options.leasePermits() : 0;
        this.rateLimiter = new HazelcastRateLimiter(instance.getMap(options.rateLimitMap()), keys, ops, lease,
                options.leaseDuration().toNanos());
        this.usageCounters = new HazelcastUsageCounters(instance.getMap(options.counterMap()), keys, ops);
    }

    private void onLifecycle(LifecycleEvent event) {
        switch (event.getState()) {
            case CLIENT_CONNECTED, STARTED, MERGED -> connected = true;
            case CLIENT_DISCONNECTED, SHUTTING_DOWN, SHUTDOWN -> connected = false;
            default -> {
            }
        }
    }

    /**
     * The store, limiter and counters on {@code instance} (a member or a client). Guards the four maps before it
     * returns (see {@link #configure}).
     *
     * @throws InvalidConfigurationException if the options' map-name prefix is a pattern, or {@code instance} is
     *                                       a member not configured by {@link #configure} with the same secret
     */
    public static ApiKeyHazelcast from(HazelcastInstance instance, HazelcastOptions options) {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(options, "options");
        if (options.mapNamePrefix().indexOf('*') >= 0) {
            throw new InvalidConfigurationException("map-name prefix '" + options.mapNamePrefix()
                    + "' is a pattern; from(...) needs a concrete prefix");
        }
        if (instance.getLocalEndpoint() instanceof Member) {
            Object memberKeys = instance.getUserContext().get(ClusterKeys.CONTEXT_KEY);
            if (!(memberKeys instanceof ClusterKeys k) || !k.sameSecretAs(ClusterKeys.of(options.clusterSecret()))) {
                throw new InvalidConfigurationException("this member was not configured by ApiKeyHazelcast.configure"
                        + " with the same cluster secret as these options");
            }
        }
        return new ApiKeyHazelcast(instance, options);
    }

    /**
     * Applies the recommended member settings for the maps named by {@code options} (a prefix with a {@code *}
     * configures every prefix it matches) and returns {@code config}. Call it once, after setting the cluster
     * name and network:
     * <ul>
     *   <li>trust (docs/CLUSTER-TRUST.md): keeps the keys derived from the cluster secret in the config's user
     *       context (they never travel); derives the cluster name from the secret unless
     *       {@link HazelcastOptions#clusterNameFromSecret()} is off; binds the member's sockets to its
     *       configured interface only ({@code hazelcast.socket.bind.any=false}); refuses Java deserialization of
     *       anything but JDK and Hazelcast exceptions; and puts a write guard on each apikey map as soon as it
     *       exists, which refuses every put and remove that is not an apikey entry processor whose tag, an HMAC
     *       keyed by the secret, holds; and keeps merges other than apikey's own (a client's
     *       {@code putAllWithMetadata} is one) from replacing or creating apikey entries;</li>
     *   <li>registers the Compact serializers of records, rate-limit state and entry processors;</li>
     *   <li>turns near-cache invalidation batching off, so a revocation reaches other members' near caches
     *       at once rather than within up to 10 s;</li>
     *   <li>registry: backup count 1, near cache (object format, invalidate on change, TTL
     *       {@link HazelcastOptions#nearCacheTtl()} bounding staleness if an invalidation is lost), hash
     *       indexes on id, owner and tenant, {@link RevokedWinsMergePolicy};</li>
     *   <li>id, rate-limit and counter maps: backup count 1 and {@link RevokedWinsMergePolicy}; rate-limit and
     *       counter entries carry their own TTL (set by the entry processors) and leave the map when spent.</li>
     *   <li>with {@link HazelcastOptions#minimumClusterSize()} set: split-brain protection on the registry and
     *       id maps, so a side of a split with fewer members refuses registry reads and writes (the verifier
     *       answers 503) instead of serving what the other side may have revoked.</li>
     *   <li>with {@link HazelcastOptions#backingStore()} set: the registry is written through to that store
     *       (with each record's MAC) and loaded from it, and the id map is loaded from it on a miss.</li>
     * </ul>
     * Members need apikey-core and apikey-hazelcast on their classpath.
     */
    public static Config configure(Config config, HazelcastOptions options) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(options, "options");
        ClusterKeys keys = ClusterKeys.of(options.clusterSecret());
        config.getUserContext().put(ClusterKeys.CONTEXT_KEY, keys);
        if (options.clusterNameFromSecret()) {
            config.setClusterName(keys.clusterName(config.getClusterName()));
        }
        config.setProperty(BIND_ANY_PROPERTY, "false");
        config.setProperty("hazelcast.socket.server.bind.any", "false");
        config.setProperty(INVALIDATION_BATCH_PROPERTY, "false");
        config.getSerializationConfig().setJavaSerializationFilterConfig(SerializationFilters.member());
        for (CompactSerializer<?> s : Serializers.all()) {
            config.getSerializationConfig().getCompactSerializationConfig().addSerializer(s);
        }
        config.addListenerConfig(new ListenerConfig(new GuardInstaller(options.mapNamePrefix())));
        config.setManagedContext(new MergeGuard(config.getManagedContext(), RevokedWinsMergePolicy.class));
        String protection = SplitBrainProtection.configure(config, options);
        MapConfig registry = baseMap(options.registryMap())
                .setNearCacheConfig(nearCache(options).setCacheLocalEntries(false))
                .setSplitBrainProtectionName(protection);
        registry.addIndexConfig(new IndexConfig(IndexType.HASH, "id"));
        registry.addIndexConfig(new IndexConfig(IndexType.HASH, "owner"));
        registry.addIndexConfig(new IndexConfig(IndexType.HASH, "tenant"));
        MapConfig idMap = baseMap(options.idMap()).setSplitBrainProtectionName(protection);
        options.backingStore().ifPresent(store -> {
            // Write-through (delay 0): the row is written before the entry changes, or the write fails.
            registry.setMapStoreConfig(new MapStoreConfig().setEnabled(true).setImplementation(new RegistryMapStore(store))
                    .setWriteDelaySeconds(0).setInitialLoadMode(MapStoreConfig.InitialLoadMode.EAGER));
            idMap.setMapStoreConfig(new MapStoreConfig().setEnabled(true).setImplementation(new IdMapLoader(store)));
        });
        config.addMapConfig(registry);
        config.addMapConfig(idMap);
        config.addMapConfig(baseMap(options.rateLimitMap()));
        config.addMapConfig(baseMap(options.counterMap()));
        return config;
    }

    /**
     * Applies the recommended client settings and returns {@code config}: the Compact serializers, the cluster
     * name derived from the secret (as on members), no Java deserialization at all, a client-side near cache of
     * the registry (invalidate on change, TTL as on members) and the ASYNC reconnect mode, so that while the
     * client is disconnected operations fail at once (503) instead of blocking. The cluster connect timeout
     * stays the caller's choice. Call it once, after setting the cluster name.
     */
    public static ClientConfig configureClient(ClientConfig config, HazelcastOptions options) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(options, "options");
        if (options.clusterNameFromSecret()) {
            config.setClusterName(ClusterKeys.of(options.clusterSecret()).clusterName(config.getClusterName()));
        }
        config.getSerializationConfig().setJavaSerializationFilterConfig(SerializationFilters.client());
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
