package dev.apikey.jdbc;

import dev.apikey.jdbc.internal.Jdbc;
import dev.apikey.jdbc.internal.RecordRows;
import dev.apikey.spi.StoreUnavailableException;
import dev.apikey.spi.UsageCounters;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Quota and credit counters in the table {@code apikey_usage_counters}: durable (a restart of any or every node
 * resets nothing) and shared by every node on the same database. Each {@link #tryIncrement} is one atomic
 * statement, so concurrent requests on any number of nodes never take more than the limit.
 *
 * <pre>{@code
 * UsageCounters counters = JdbcUsageCounters.builder(dataSource).build();
 * ApiKeyVerifier verifier = ApiKeyVerifier.builder(store).usageCounters(counters).build();
 * }</pre>
 *
 * <p>Short-window rate limits are not counted here: a database round trip per request and per limit would cost
 * more than the limit protects. They stay in memory ({@code LocalRateLimiter}) or in Hazelcast in a cluster.
 */
public final class JdbcUsageCounters implements UsageCounters {
    // One statement: insert the counter at 1, or add 1 to it while it is below the limit. A counter whose period
    // has ended starts again at 1. Row locking makes concurrent increments of one counter queue up, and each
    // re-checks the WHERE against the row as the one before it left it: the limit holds across nodes.
    // No row comes back when the limit was already reached.
    private static final String INCREMENT = "INSERT INTO apikey_usage_counters AS u (counter_id, count, expires_at)"
            + " VALUES (?, 1, ?)"
            + " ON CONFLICT (counter_id) DO UPDATE SET"
            + " count = CASE WHEN u.expires_at <= ? THEN 1 ELSE u.count + 1 END,"
            + " expires_at = EXCLUDED.expires_at"
            + " WHERE u.count < ? OR u.expires_at <= ?"
            + " RETURNING count";
    private static final String PURGE = "DELETE FROM apikey_usage_counters WHERE expires_at <= ?";

    private final Jdbc jdbc;
    private final Clock clock;

    private JdbcUsageCounters(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A builder for counters over {@code dataSource} (the application's, typically pooled). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreUnavailableException if the database cannot answer
     */
    @Override
    public long tryIncrement(String counterId, long limit, Instant expiresAt) {
        Objects.requireNonNull(counterId, "counterId");
        if (limit <= 0) {
            return -1;
        }
        Instant now = clock.instant();
        return jdbc.run("usage counter " + counterId, c -> {
            try (PreparedStatement ps = jdbc.prepare(c, INCREMENT)) {
                ps.setString(1, counterId);
                RecordRows.setInstant(ps, 2, expiresAt);
                RecordRows.setInstant(ps, 3, now);
                ps.setLong(4, limit);
                RecordRows.setInstant(ps, 5, now);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : -1L;
                }
            }
        });
    }

    /**
     * Deletes the counters whose period has ended (by this instance's clock) and returns how many. Run it now and
     * then (daily, say); an ended counter that is still there is harmless, it counts from zero again.
     *
     * @throws StoreUnavailableException if the database cannot answer
     */
    public int purgeExpired() {
        Instant now = clock.instant();
        return jdbc.run("purge of ended usage counters", c -> {
            try (PreparedStatement ps = jdbc.prepare(c, PURGE)) {
                RecordRows.setInstant(ps, 1, now);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public String toString() {
        return "JdbcUsageCounters[apikey_usage_counters]";
    }

    /** Builds {@link JdbcUsageCounters}; {@link #build()} checks the values. */
    public static final class Builder {
        private final DataSource dataSource;
        private boolean createSchema;
        private Clock clock = Clock.systemUTC();
        private Duration queryTimeout = Duration.ofSeconds(5);

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** Whether {@link #build()} creates missing tables, as {@link JdbcKeyStore.Builder#createSchema} does (default false). */
        public Builder createSchema(boolean create) {
            this.createSchema = create;
            return this;
        }

        /**
         * The clock that decides whether a counter's period has ended (default the system clock in UTC). Nodes
         * should agree on the time; a few seconds apart only matter at the very end of a period.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long one statement may run before the driver cancels it (default 5 s, whole seconds, at least 1 s). */
        public Builder queryTimeout(Duration timeout) {
            this.queryTimeout = Jdbc.checkQueryTimeout(timeout);
            return this;
        }

        /**
         * The counters.
         *
         * @throws StoreUnavailableException if the schema was to be created and the database cannot be reached
         */
        public JdbcUsageCounters build() {
            Jdbc jdbc = Jdbc.open(dataSource, queryTimeout, createSchema);
            return new JdbcUsageCounters(jdbc, clock);
        }
    }
}
