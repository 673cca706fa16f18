package dev.apikey.jdbc.internal;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class SqlErrorsTest {

    @Test
    void aPoolOrDriverErrorWithoutSqlStateReachesTheUserSoAMissingDriverIsNamed() {
        // What Tomcat's pool says when the PostgreSQL driver is not in its lib folder.
        SQLException e = new SQLException("Cannot load JDBC driver class 'org.postgresql.Driver'");
        assertThat(SqlErrors.unavailable("lookup", e).getMessage())
                .contains("Cannot load JDBC driver class 'org.postgresql.Driver'");
    }

    @Test
    void aServerErrorThatMayQuoteARowValueKeepsOnlyItsSqlState() {
        SQLException e = new SQLException("ERROR: duplicate key value violates unique constraint\n  Detail: Key (digest)=(secret)",
                "23505");
        assertThat(SqlErrors.unavailable("insert", e).getMessage()).contains("SQLState 23505").doesNotContain("secret")
                .doesNotContain("duplicate");
    }

    @Test
    void aConnectionErrorKeepsItsFirstLineEscaped() {
        SQLException e = new SQLException("Connection to 127.0.0.1:1 refused.\r\nforged line", "08001");
        String m = SqlErrors.unavailable("lookup", e).getMessage();
        assertThat(m).contains("Connection to 127.0.0.1:1 refused.").doesNotContain("forged").doesNotContain("\r");
    }
}
