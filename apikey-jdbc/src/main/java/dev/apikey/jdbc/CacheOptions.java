package dev.apikey.jdbc;

import dev.apikey.InvalidConfigurationException;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How {@link JdbcKeyStore} caches records on this node ({@link JdbcKeyStore.Builder#cache(CacheOptions)}).
 * Immutable; {@link #ofDefaults()} or {@link #custom()}.
 *
 * <p>A cached record is dropped when PostgreSQL notifies a change to it (any node's, any writer's), and in any
 * case {@link #ttl()} after it was read, which bounds how long a change can go unseen if a notification is lost.
 */
public final class CacheOptions {
    /** The default {@link #ttl()}: 5 seconds. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);
    /** The default {@link #maxEntries()}: 10,000 records. */
    public static final int DEFAULT_MAX_ENTRIES = 10_000;

    private static final CacheOptions DEFAULTS = custom().build();

    private final Duration ttl;
    private final int maxEntries;
    private final LongSupplier ticker;

    private CacheOptions(Builder b) {
        this.ttl = b.ttl;
        this.maxEntries = b.maxEntries;
        this.ticker = b.ticker;
    }

    /** A 5-second TTL and at most 10,000 records. */
    public static CacheOptions ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** The longest a record is served from the cache after it was read from the database. */
    public Duration ttl() {
        return ttl;
    }

    /** The most records the cache holds. */
    public int maxEntries() {
        return maxEntries;
    }

    /** The monotonic clock (nanoseconds) the TTL is measured on. */
    public LongSupplier ticker() {
        return ticker;
    }

    @Override
    public String toString() {
        return "CacheOptions[ttl=" + ttl + ", maxEntries=" + maxEntries + "]";
    }

    /** Builds {@link CacheOptions}; each setter fails fast on a wrong value. */
    public static final class Builder {
        private Duration ttl = DEFAULT_TTL;
        private int maxEntries = DEFAULT_MAX_ENTRIES;
        private LongSupplier ticker = System::nanoTime;

        private Builder() {
        }

        /**
         * The longest a record is served from the cache after it was read (default 5 s, from 10 ms to 1 h): how
         * late a node may still accept a revoked key when a change notification is lost.
         */
        public Builder ttl(Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.compareTo(Duration.ofMillis(10)) < 0 || ttl.compareTo(Duration.ofHours(1)) > 0) {
                throw new InvalidConfigurationException("cache ttl must be between 10ms and 1h, got " + ttl);
            }
            this.ttl = ttl;
            return this;
        }

        /** The most records the cache holds (default 10,000, at least 1). */
        public Builder maxEntries(int maxEntries) {
            if (maxEntries < 1) {
                throw new InvalidConfigurationException("cache maxEntries must be at least 1, got " + maxEntries);
            }
            this.maxEntries = maxEntries;
            return this;
        }

        /**
         * The monotonic clock in nanoseconds that the TTL is measured on (default {@code System::nanoTime}); tests
         * pass a fake one to move time without sleeping.
         */
        public Builder ticker(LongSupplier ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** The options. */
        public CacheOptions build() {
            return new CacheOptions(this);
        }
    }
}
