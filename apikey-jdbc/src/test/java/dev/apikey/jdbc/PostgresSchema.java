package dev.apikey.jdbc;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.Locale;

/**
 * {@link PostgresDatabase} for the tests of other modules (the CLI, the demo), shipped in this module's test-jar:
 * the same server, skip-or-fail rule and one schema per test class, plus the JDBC URL of that schema, for tests
 * that hand a URL to a program the way a user would. Register it as
 * {@code @RegisterExtension static final PostgresSchema DB = new PostgresSchema();}.
 */
public final class PostgresSchema implements ExecutionCondition, BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    /** The environment variable the password is in, for tests and programs alike. */
    public static final String PASSWORD_ENV = "APIKEY_JDBC_PASSWORD";

    private final PostgresDatabase db = new PostgresDatabase();
    private String schema;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return db.evaluateExecutionCondition(context);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        db.beforeAll(context);
        // PostgresDatabase names the schema after the test class the same way.
        schema = "apikey_t_" + context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        db.afterEach(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        db.afterAll(context);
    }

    /** {@code jdbc:postgresql://HOST:PORT/DB?user=U&currentSchema=S}: this class's schema, without a password. */
    public String url() {
        String base = PostgresDatabase.URL;
        return base + (base.contains("?") ? "&" : "?") + "user=" + PostgresDatabase.USER + "&currentSchema=" + schema;
    }

    /** A pooled DataSource over this class's schema (closed after each test). */
    public DataSource dataSource() {
        return db.dataSource();
    }

    /** Empties the apikey tables. */
    public void truncate() throws SQLException {
        db.truncate();
    }

    /** The first column of the first row of {@code sql}, run in this class's schema. */
    public String queryString(String sql) throws SQLException {
        return db.queryString(sql);
    }
}
