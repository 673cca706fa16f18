package dev.apikey.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The real PostgreSQL server every test of this module runs against, one schema per test class, with the apikey
 * tables created in it. Register it in a
 * test class as {@code @RegisterExtension static final PostgresDatabase DB = new PostgresDatabase();}.
 *
 * <p>Where the server is: the system properties {@code apikey.jdbc.url} and {@code apikey.jdbc.user}, else the
 * environment variables {@code APIKEY_JDBC_URL} and {@code APIKEY_JDBC_USER}, else
 * {@code jdbc:postgresql://127.0.0.1:5432/apikey_test} as {@code apikey}; the password is always the environment
 * variable {@code APIKEY_JDBC_PASSWORD}, never a property, so it appears on no command line. {@code .ci/postgres.sh}
 * starts the local cluster and exports all three.
 *
 * <p>When no server answers, the class's tests are skipped with a one-line reason, except with {@code CI=true},
 * where they fail: CI must never pass by skipping them.
 */
final class PostgresDatabase implements ExecutionCondition, BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    static final String URL = setting("apikey.jdbc.url", "APIKEY_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/apikey_test");
    static final String USER = setting("apikey.jdbc.user", "APIKEY_JDBC_USER", "apikey");
    private static final String PASSWORD = System.getenv().getOrDefault("APIKEY_JDBC_PASSWORD", "");
    private static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));
    // Asked once per test JVM: null when the server answers, else why not.
    private static final String UNREACHABLE = whyUnreachable();

    private final List<HikariDataSource> pools = new ArrayList<>();
    private String schema;
    private int freshSchemas;

    private static String setting(String property, String env, String fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? fallback : v;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (UNREACHABLE == null || CI) {
            return ConditionEvaluationResult.enabled("PostgreSQL at " + URL);
        }
        String reason = "skipped: PostgreSQL tests need a server, " + UNREACHABLE
                + "; start one with .ci/postgres.sh (see apikey-jdbc/README.md)";
        if (context.getTestMethod().isEmpty()) {
            System.err.println("[apikey-jdbc] " + context.getDisplayName() + " " + reason);
        }
        return ConditionEvaluationResult.disabled(reason);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        if (UNREACHABLE != null) {
            throw new IllegalStateException("CI=true, and the PostgreSQL tests need a server: " + UNREACHABLE
                    + " (.ci/run starts it with .ci/postgres.sh)");
        }
        schema = "apikey_t_" + context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
        recreate(schema);
        JdbcKeyStore.builder(dataSource()).createSchema(true).build();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        closePools();
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        closePools();
        if (schema != null) {
            execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            for (int i = 1; i <= freshSchemas; i++) {
                execute("DROP SCHEMA IF EXISTS " + schema + "_" + i + " CASCADE");
            }
        }
    }

    /** Null if the server answers; otherwise why not, in one line that holds no password. */
    private static String whyUnreachable() {
        try (Connection c = dataSource(null).getConnection()) {
            return c.isValid(3) ? null : "the connection to " + URL + " is not valid";
        } catch (SQLException e) {
            String m = String.valueOf(e.getMessage());
            int eol = m.indexOf('\n');
            return "no PostgreSQL at " + URL + " as " + USER + " (" + (eol < 0 ? m : m.substring(0, eol)) + ")";
        }
    }

    /**
     * A new pool of up to 8 connections (a separate "node") over this class's schema, closed after the test.
     */
    DataSource dataSource() {
        return pool(8);
    }

    /** A new pool of up to {@code size} connections over this class's schema, closed after the test. */
    DataSource pool(int size) {
        return pool(size, "apikey-jdbc-tests", Duration.ofSeconds(30));
    }

    /**
     * A new pool of up to {@code size} connections over this class's schema, whose connections show
     * {@code applicationName} in {@code pg_stat_activity} (so a test can find and end them) and whose borrowers
     * wait at most {@code connectionTimeout} for one; closed after the test.
     */
    DataSource pool(int size, String applicationName, Duration connectionTimeout) {
        PGSimpleDataSource ds = (PGSimpleDataSource) dataSource(schema);
        ds.setApplicationName(applicationName);
        HikariConfig config = new HikariConfig();
        config.setDataSource(ds);
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setPoolName("apikey-test-" + (pools.size() + 1));
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    private void closePools() {
        pools.forEach(HikariDataSource::close);
        pools.clear();
    }

    /**
     * A DataSource without a pool (each call opens a connection) over a new, empty schema of this class, for tests
     * that watch tables being created.
     */
    DataSource freshSchema() throws SQLException {
        String name = schema + "_" + (++freshSchemas);
        recreate(name);
        return dataSource(name);
    }

    /** This class's schema, for a process of another JVM that connects to the same tables. */
    String schema() {
        return schema;
    }

    /** Empties every apikey table of this class's schema. */
    void truncate() throws SQLException {
        execute("TRUNCATE " + schema + ".apikey_keys, " + schema + ".apikey_usage_counters");
    }

    /** Runs one statement in this class's schema. */
    void execute(String sql) throws SQLException {
        try (Connection c = dataSource(schema).getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** The first column of the first row of {@code sql}, run in this class's schema. */
    String queryString(String sql) throws SQLException {
        try (Connection c = dataSource(schema).getConnection(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * Ends the server process of the connection named {@code applicationName} whose last statement was
     * {@code LISTEN} (a caching store's listener, in its first seconds, before any heartbeat); returns how many
     * it ended. The pool's other connections stay up.
     */
    int terminateListener(String applicationName) throws SQLException {
        try (Connection c = dataSource(schema).getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT count(pg_terminate_backend(pid))"
                     + " FROM pg_stat_activity WHERE application_name = ? AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()")) {
            ps.setString(1, applicationName);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Connections that authenticate as the test role with a wrong password. */
    static DataSource withPassword(String password) {
        PGSimpleDataSource ds = (PGSimpleDataSource) dataSource(null);
        ds.setPassword(password);
        return ds;
    }

    private static DataSource dataSource(String schema) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(URL);
        ds.setUser(USER);
        ds.setPassword(PASSWORD);
        ds.setConnectTimeout(3);
        ds.setApplicationName("apikey-jdbc-tests");
        if (schema != null) {
            ds.setCurrentSchema(schema);
        }
        return ds;
    }

    private static void recreate(String schema) throws SQLException {
        try (Connection c = dataSource(null).getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            st.execute("CREATE SCHEMA " + schema);
        }
    }
}
