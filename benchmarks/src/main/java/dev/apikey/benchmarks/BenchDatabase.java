package dev.apikey.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL server of the JDBC benchmarks, found as apikey-jdbc's tests find theirs: the environment
 * variables {@code APIKEY_JDBC_URL}, {@code APIKEY_JDBC_USER} and {@code APIKEY_JDBC_PASSWORD} (what
 * {@code .ci/postgres.sh} exports), else {@code jdbc:postgresql://127.0.0.1:5432/apikey_test} as {@code apikey}.
 * The password comes from the environment only, never a command line. Each benchmark works in a schema of its own,
 * dropped and created afresh by {@link #open}, so a run starts from empty tables and leaves other schemas alone.
 */
final class BenchDatabase implements AutoCloseable {
    static final String URL = env("APIKEY_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/apikey_test");
    static final String USER = env("APIKEY_JDBC_USER", "apikey");
    private static final String PASSWORD = env("APIKEY_JDBC_PASSWORD", "");

    private final String schema;
    private final List<HikariDataSource> pools = new ArrayList<>();

    private BenchDatabase(String schema) {
        this.schema = schema;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** Null if the server answers; otherwise why not, in one line that holds no password. */
    static String whyUnreachable() {
        try (Connection c = plain(null).getConnection()) {
            return c.isValid(3) ? null : "the connection to " + URL + " is not valid";
        } catch (SQLException e) {
            String m = String.valueOf(e.getMessage());
            int eol = m.indexOf('\n');
            return "no PostgreSQL at " + URL + " as " + USER + " (" + (eol < 0 ? m : m.substring(0, eol)) + ")";
        }
    }

    /** A fresh, empty schema named {@code schema} (dropped first if a run before left it). */
    static BenchDatabase open(String schema) throws SQLException {
        BenchDatabase db = new BenchDatabase(schema);
        db.execute(null, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        db.execute(null, "CREATE SCHEMA " + schema);
        return db;
    }

    /**
     * A new pool of up to {@code size} connections over this schema, as an application node has one; its
     * connections show {@code name} in {@code pg_stat_activity}. Closed with this database.
     */
    HikariDataSource pool(String name, int size) {
        PGSimpleDataSource ds = plain(schema);
        ds.setApplicationName(name);
        HikariConfig config = new HikariConfig();
        config.setDataSource(ds);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setPoolName(name);
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    /** Closes the pools and drops the schema. */
    @Override
    public void close() throws SQLException {
        pools.forEach(HikariDataSource::close);
        pools.clear();
        execute(null, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private void execute(String inSchema, String sql) throws SQLException {
        try (Connection c = plain(inSchema).getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static PGSimpleDataSource plain(String schema) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(URL);
        ds.setUser(USER);
        ds.setPassword(PASSWORD);
        ds.setConnectTimeout(3);
        ds.setApplicationName("apikey-benchmarks");
        if (schema != null) {
            ds.setCurrentSchema(schema);
        }
        return ds;
    }
}
