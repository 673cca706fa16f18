package dev.apikey.hazelcast;

import dev.apikey.InvalidConfigurationException;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the Hazelcast store, limiter and counters. Immutable; {@link #defaults()} or
 * {@link #custom()}, and {@link #from(HazelcastOptions)} to change a copy.
 *
 * <p>Map names: {@code <prefix>.registry} (digest to record), {@code <prefix>.ids} (id to digest),
 * {@code <prefix>.ratelimits} (GCRA state per key) and {@code <prefix>.counters} (quotas and credits);
 * the default prefix is {@code apikey}. {@link ApiKeyHazelcast#configure} accepts a prefix with one
 * {@code *} wildcard (it becomes a Hazelcast name pattern); {@link ApiKeyHazelcast#from} needs a concrete one.
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

    private static final HazelcastOptions DEFAULTS = new Builder().build();

    private final String mapNamePrefix;
    private final Duration operationTimeout;
    private final Duration nearCacheTtl;
    private final RateLimitMode rateLimitMode;
    private final int leasePermits;
    private final Duration leaseDuration;

    private HazelcastOptions(Builder b) {
        this.mapNamePrefix = b.mapNamePrefix;
        this.operationTimeout = b.operationTimeout;
        this.nearCacheTtl = b.nearCacheTtl;
        this.rateLimitMode = b.rateLimitMode;
        this.leasePermits = b.leasePermits;
        this.leaseDuration = b.leaseDuration;
    }

    /** The defaults: prefix {@code apikey}, 2 s timeout, 30 s near-cache TTL, exact rate limiting. */
    public static HazelcastOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
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

    @Override
    public String toString() {
        return "HazelcastOptions[prefix=" + mapNamePrefix + ", timeout=" + operationTimeout + ", nearCacheTtl="
                + nearCacheTtl + ", mode=" + rateLimitMode + ", leasePermits=" + leasePermits
                + ", leaseDuration=" + leaseDuration + "]";
    }

    /** Builder for {@link HazelcastOptions}; every setter checks its value. */
    public static final class Builder {
        private String mapNamePrefix = DEFAULT_PREFIX;
        private Duration operationTimeout = DEFAULT_OPERATION_TIMEOUT;
        private Duration nearCacheTtl = DEFAULT_NEAR_CACHE_TTL;
        private RateLimitMode rateLimitMode = RateLimitMode.EXACT;
        private int leasePermits = DEFAULT_LEASE_PERMITS;
        private Duration leaseDuration = DEFAULT_LEASE_DURATION;

        private Builder() {
        }

        private Builder(HazelcastOptions o) {
            mapNamePrefix = o.mapNamePrefix;
            operationTimeout = o.operationTimeout;
            nearCacheTtl = o.nearCacheTtl;
            rateLimitMode = o.rateLimitMode;
            leasePermits = o.leasePermits;
            leaseDuration = o.leaseDuration;
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

        private static Duration check(Duration d, Duration min, Duration max, String name) {
            if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new InvalidConfigurationException(name + " must be between " + min + " and " + max + ", got " + d);
            }
            return d;
        }

        /** Builds the options. */
        public HazelcastOptions build() {
            return new HazelcastOptions(this);
        }
    }
}
