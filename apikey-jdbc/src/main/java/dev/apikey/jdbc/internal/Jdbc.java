package dev.apikey.jdbc.internal;

import dev.apikey.InvalidConfigurationException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs one unit of work on a connection borrowed from the application's DataSource and gives it back. Every
 * SQLException becomes a value-free {@link dev.apikey.spi.StoreUnavailableException} ({@link SqlErrors}).
 */
public final class Jdbc {
    /** Work done on one connection. */
    @FunctionalInterface
    public interface Work<T> {
        /** Does the work; statements come from {@link Jdbc#prepare}. */
        T run(Connection c) throws SQLException;
    }

    private final DataSource dataSource;
    private final int queryTimeoutSeconds;

    /**
     * Work on connections of {@code dataSource}, each statement bounded by {@code queryTimeout}, after creating
     * missing tables when {@code createSchema} is set: what the store's and the counters' builders share.
     *
     * @throws dev.apikey.spi.StoreUnavailableException if the schema was to be created and the database cannot be reached
     */
    public static Jdbc open(DataSource dataSource, Duration queryTimeout, boolean createSchema) {
        Jdbc jdbc = new Jdbc(dataSource, queryTimeout);
        if (createSchema) {
            SchemaRunner.ensureSchema(jdbc);
        }
        return jdbc;
    }

    /** The builders' check of a query timeout: whole seconds are what JDBC takes, so less than 1 s is a mistake. */
    public static Duration checkQueryTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "queryTimeout");
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidConfigurationException("queryTimeout must be at least 1s, got " + timeout);
        }
        return timeout;
    }

    /** Work on connections of {@code dataSource}, each statement bounded by {@code queryTimeout} (whole seconds, at least 1). */
    public Jdbc(DataSource dataSource, Duration queryTimeout) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.queryTimeoutSeconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, queryTimeout.toSeconds()));
    }

    /**
     * Runs {@code work} on one connection. Single statements run in autocommit; a pool that hands out
     * connections with autocommit off gets a commit after the work, and a rollback when it fails.
     *
     * @param what names the operation in error messages; it must hold no secret
     */
    public <T> T run(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            try {
                T result = work.run(c);
                if (!autoCommit) {
                    c.commit();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                if (!autoCommit) {
                    rollbackQuietly(c);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw SqlErrors.unavailable(what, e);
        }
    }

    /** A statement for {@code sql} (a constant of this module) with the query timeout set. */
    public PreparedStatement prepare(Connection c, String sql) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        ps.setQueryTimeout(queryTimeoutSeconds);
        return ps;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The first failure is the one worth reporting; the pool discards a broken connection.
        }
    }
}
