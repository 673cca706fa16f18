package dev.apikey.hazelcast;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.spi.SealedKeyStore;

import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the Hazelcast store, limiter and counters. Immutable; {@link #custom()} (with a cluster secret)
 * and {@link #from(HazelcastOptions)} to change a copy.
 *
 * <p>Map names: {@code <prefix>.registry} (digest to record), {@code <prefix>.ids} (id to digest),
 * {@code <prefix>.ratelimits} (GCRA state per key) and {@code <prefix>.counters} (quotas and credits);
 * the default prefix is {@code apikey}. {@link ApiKeyHazelcast#configure} accepts a prefix with one
 * {@code *} wildcard (it becomes a Hazelcast name pattern); {@link ApiKeyHazelcast#from} needs a concrete one.
 *
 * <p>The {@linkplain Builder#clusterSecret cluster secret} is required: every record and tombstone carries a MAC
 * keyed by it, members refuse writes that do not come from a holder of it, and (by default) the cluster name is
 * derived from it. The same secret must be given to every member and client; see docs/CLUSTER-TRUST.md.
 */
public final class HazelcastOptions {
    /** Default map-name prefix. */
    public static final String DEFAULT_PREFIX = "apikey";
    /** Default bound on every key-store operation: 2 s (rate-limit and counter calls: see {@link dev.apikey.hazelcast.ApiKeyHazelcast}). */
    public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(2);
    /** Default near-cache time-to-live, the staleness bound if an invalidation is lost: 30 s. */
    public static final Duration DEFAULT_NEAR_CACHE_TTL = Duration.ofSeconds(30);
    /**
     * Default largest lease in {@link RateLimitMode#LEASE}: 100 permits. Leases are also capped at an eighth of
     * the smallest burst, so this only matters for high limits, where it sets how many requests share one
     * round trip (20 gave under 20 times the exact mode's throughput).
     */
    public static final int DEFAULT_LEASE_PERMITS = 100;
    /**
     * Default lifetime of a lease in {@link RateLimitMode#LEASE}: 20 ms. Over-admission in a window is at most
     * {@code ceil(L/T)} permits, i.e. {@code L/period} of the limit: 2% of a per-second limit (100 ms allowed 10%).
     */
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofMillis(20);

    /** The environment variable the demo server and the CLI read the cluster secret from (base64). */
    public static final String CLUSTER_SECRET_ENV = "APIKEY_CLUSTER_SECRET";
    /** The shortest cluster secret accepted, in bytes. */
    public static final int MIN_SECRET_BYTES = 32;


    private final String mapNamePrefix;
    private final Duration operationTimeout;
    private final Duration nearCacheTtl;
    private final RateLimitMode rateLimitMode;
    private final int leasePermits;
    private final Duration leaseDuration;
    private final byte[] clusterSecret;
    private final boolean clusterNameFromSecret;
    private final int minimumClusterSize;
    private final SealedKeyStore backingStore;

    private HazelcastOptions(Builder b) {
        this.mapNamePrefix = b.mapNamePrefix;
        this.operationTimeout = b.operationTimeout;
        this.nearCacheTtl = b.nearCacheTtl;
        this.rateLimitMode = b.rateLimitMode;
        this.leasePermits = b.leasePermits;
        this.leaseDuration = b.leaseDuration;
        this.clusterSecret = b.clusterSecret;
        this.clusterNameFromSecret = b.clusterNameFromSecret;
        this.minimumClusterSize = b.minimumClusterSize;
        this.backingStore = b.backingStore;
    }

    /**
     * A builder starting from the defaults: prefix {@code apikey}, 2 s timeout, 30 s near-cache TTL, exact rate
     * limiting, cluster name derived from the secret, no split-brain protection. The cluster secret has no
     * default: {@link Builder#build()} refuses options without one.
     */
    public static Builder custom() {
        return new Builder();
    }

    /** A builder starting from {@code prototype}'s values. */
    public static Builder from(HazelcastOptions prototype) {
        return new Builder(Objects.requireNonNull(prototype, "prototype"));
    }

    /** The map-name prefix. */
    public String mapNamePrefix() {
        return mapNamePrefix;
    }

    /** Name of the registry map (digest to record). */
    public String registryMap() {
        return mapNamePrefix + ".registry";
    }

    /** Name of the id map (id to digest). */
    public String idMap() {
        return mapNamePrefix + ".ids";
    }

    /** Name of the rate-limit state map. */
    public String rateLimitMap() {
        return mapNamePrefix + ".ratelimits";
    }

    /** Name of the quota and credit counter map. */
    public String counterMap() {
        return mapNamePrefix + ".counters";
    }

    /** The bound on every cluster operation; past it the caller gets a {@code StoreUnavailableException}. */
    public Duration operationTimeout() {
        return operationTimeout;
    }

    /** The near-cache time-to-live that {@link ApiKeyHazelcast#configure} sets. */
    public Duration nearCacheTtl() {
        return nearCacheTtl;
    }

    /** Exact or lease rate limiting. */
    public RateLimitMode rateLimitMode() {
        return rateLimitMode;
    }

    /** The largest lease a member takes in {@link RateLimitMode#LEASE} (K). */
    public int leasePermits() {
        return leasePermits;
    }

    /** How long a member may serve from a lease in {@link RateLimitMode#LEASE} (L). */
    public Duration leaseDuration() {
        return leaseDuration;
    }

    /** A copy of the cluster secret; it never appears in {@link #toString()}. */
    public byte[] clusterSecret() {
        return clusterSecret.clone();
    }

    /** Whether {@link ApiKeyHazelcast#configure} and {@code configureClient} derive the cluster name from the secret. */
    public boolean clusterNameFromSecret() {
        return clusterNameFromSecret;
    }

    /**
     * The fewest members a side of a split must hold for registry reads and writes to proceed; 0 (the default)
     * turns split-brain protection off. See {@link Builder#minimumClusterSize}.
     */
    public int minimumClusterSize() {
        return minimumClusterSize;
    }

    /** The store the registry is written through to and loaded from; empty (the default) keeps it in memory only. */
    public Optional<SealedKeyStore> backingStore() {
        return Optional.ofNullable(backingStore);
    }

    @Override
    public String toString() {
        return "HazelcastOptions[prefix=" + mapNamePrefix + ", timeout=" + operationTimeout + ", nearCacheTtl="
                + nearCacheTtl + ", mode=" + rateLimitMode + ", leasePermits=" + leasePermits
                + ", leaseDuration=" + leaseDuration + ", clusterNameFromSecret=" + clusterNameFromSecret
                + ", minimumClusterSize=" + minimumClusterSize + ", backingStore=" + backingStore + "]";
    }

    /** Builder for {@link HazelcastOptions}; every setter checks its value. */
    public static final class Builder {
        private String mapNamePrefix = DEFAULT_PREFIX;
        private Duration operationTimeout = DEFAULT_OPERATION_TIMEOUT;
        private Duration nearCacheTtl = DEFAULT_NEAR_CACHE_TTL;
        private RateLimitMode rateLimitMode = RateLimitMode.EXACT;
        private int leasePermits = DEFAULT_LEASE_PERMITS;
        private Duration leaseDuration = DEFAULT_LEASE_DURATION;
        private byte[] clusterSecret;
        private boolean clusterNameFromSecret = true;
        private int minimumClusterSize;
        private SealedKeyStore backingStore;

        private Builder() {
        }

        private Builder(HazelcastOptions o) {
            mapNamePrefix = o.mapNamePrefix;
            operationTimeout = o.operationTimeout;
            nearCacheTtl = o.nearCacheTtl;
            rateLimitMode = o.rateLimitMode;
            leasePermits = o.leasePermits;
            leaseDuration = o.leaseDuration;
            clusterSecret = o.clusterSecret;
            clusterNameFromSecret = o.clusterNameFromSecret;
            minimumClusterSize = o.minimumClusterSize;
            backingStore = o.backingStore;
        }

        /** The map-name prefix: letters, digits, {@code . _ -}, at most one {@code *}; 1-64 chars. */
        public Builder mapNamePrefix(String prefix) {
            if (prefix == null || prefix.isEmpty() || prefix.length() > 64
                    || !prefix.matches("[A-Za-z0-9._*-]+") || prefix.indexOf('*') != prefix.lastIndexOf('*')) {
                throw new InvalidConfigurationException("map-name prefix must be 1-64 chars of [A-Za-z0-9._-] with at"
                        + " most one '*', got '" + prefix + "'");
            }
            this.mapNamePrefix = prefix;
            return this;
        }

        /** Bound on every key-store operation, 1 ms to 5 min (default 2 s). */
        public Builder operationTimeout(Duration timeout) {
            this.operationTimeout = check(timeout, Duration.ofMillis(1), Duration.ofMinutes(5), "operationTimeout");
            return this;
        }

        /** Near-cache time-to-live, 1 s to 1 h (default 30 s). */
        public Builder nearCacheTtl(Duration ttl) {
            this.nearCacheTtl = check(ttl, Duration.ofSeconds(1), Duration.ofHours(1), "nearCacheTtl");
            return this;
        }

        /** Exact (default) or lease rate limiting. */
        public Builder rateLimitMode(RateLimitMode mode) {
            this.rateLimitMode = Objects.requireNonNull(mode, "rateLimitMode");
            return this;
        }

        /** Largest lease K, 1 to 1000 (default 100). */
        public Builder leasePermits(int permits) {
            if (permits < 1 || permits > 1000) {
                throw new InvalidConfigurationException("leasePermits must be between 1 and 1000, got " + permits);
            }
            this.leasePermits = permits;
            return this;
        }

        /** Lease lifetime L, 1 ms to 10 s (default 20 ms). */
        public Builder leaseDuration(Duration duration) {
            this.leaseDuration = check(duration, Duration.ofMillis(1), Duration.ofSeconds(10), "leaseDuration");
            return this;
        }

        /**
         * The deployment's cluster secret, at least {@value #MIN_SECRET_BYTES} random bytes, the same on every
         * member and client. Required. Keys derived from it (each with its own label) MAC the records, authorise
         * the entry processors and, unless turned off, name the cluster.
         */
        public Builder clusterSecret(byte[] secret) {
            if (secret == null || secret.length < MIN_SECRET_BYTES) {
                throw new InvalidConfigurationException("the cluster secret must be at least " + MIN_SECRET_BYTES
                        + " bytes, got " + (secret == null ? "none" : secret.length + ""));
            }
            this.clusterSecret = secret.clone();
            return this;
        }

        /**
         * The cluster secret as base64 (standard or URL-safe alphabet), as {@value #CLUSTER_SECRET_ENV} holds it.
         * The message of a refusal names the problem, never the value.
         */
        public Builder clusterSecretBase64(String base64) {
            if (base64 == null || base64.isBlank()) {
                throw new InvalidConfigurationException("the cluster secret is missing: set " + CLUSTER_SECRET_ENV
                        + " to the base64 of at least " + MIN_SECRET_BYTES + " random bytes");
            }
            byte[] decoded;
            try {
                String t = base64.strip();
                decoded = t.indexOf('-') >= 0 || t.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(t)
                        : Base64.getDecoder().decode(t);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException("the cluster secret is not valid base64 (" + CLUSTER_SECRET_ENV
                        + " must hold the base64 of at least " + MIN_SECRET_BYTES + " random bytes)");
            }
            try {
                return clusterSecret(decoded);
            } finally {
                Arrays.fill(decoded, (byte) 0);
            }
        }

        /**
         * Whether the cluster name is derived from the secret (default true): the name set on the config gets a
         * suffix computed from the secret, so a process that does not hold the secret cannot join as a member
         * or connect as a client. The name travels in clear text (open-source Hazelcast has no TLS), so this
         * keeps out whoever merely reaches the port, not whoever can read the traffic. Turn it off only for a
         * cluster shared with clients that cannot hold the secret.
         */
        public Builder clusterNameFromSecret(boolean derive) {
            this.clusterNameFromSecret = derive;
            return this;
        }

        /**
         * Split-brain protection: registry reads and writes proceed only on a side of a split that holds at
         * least {@code members} members, so a minority side answers 503 instead of serving keys revoked or
         * changed on the majority. Set it to a majority of the cluster's size (2 of 3, 3 of 5); 0 (default) turns
         * it off. Rate limits and counters are not protected (their fail mode is the limiter's own setting).
         */
        public Builder minimumClusterSize(int members) {
            if (members < 0 || members > 1000) {
                throw new InvalidConfigurationException("minimumClusterSize must be between 0 and 1000, got " + members);
            }
            this.minimumClusterSize = members;
            return this;
        }

        /**
         * A durable cluster: {@link ApiKeyHazelcast#configure} backs the registry with {@code store} (for example
         * {@code JdbcKeyStore} over PostgreSQL). Every record and tombstone is written through, with its MAC,
         * before the admin call returns, and a failed write fails the call and leaves the map unchanged; a member
         * that starts loads every stored record, and a record missing from the map is loaded by its digest on
         * demand; rows are never deleted. Only members use it: clients ignore it. {@code null} (the default)
         * keeps the registry in memory. See docs/CLUSTER-TRUST.md, "A durable cluster".
         */
        public Builder backingStore(SealedKeyStore store) {
            this.backingStore = store;
            return this;
        }

        private static Duration check(Duration d, Duration min, Duration max, String name) {
            if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new InvalidConfigurationException(name + " must be between " + min + " and " + max + ", got " + d);
            }
            return d;
        }

        /**
         * Builds the options.
         *
         * @throws InvalidConfigurationException if no cluster secret was given
         */
        public HazelcastOptions build() {
            if (clusterSecret == null) {
                throw new InvalidConfigurationException("a cluster secret is required (HazelcastOptions.custom()"
                        + ".clusterSecret(...); the demo and the CLI read it from " + CLUSTER_SECRET_ENV + ")");
            }
            return new HazelcastOptions(this);
        }
    }
}
