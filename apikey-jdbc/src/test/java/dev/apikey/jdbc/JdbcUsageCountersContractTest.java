package dev.apikey.jdbc;

import dev.apikey.spi.UsageCounters;
import dev.apikey.spi.UsageCountersContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.time.Clock;

/**
 * The core usage counters contract on a real PostgreSQL, with a pool as large as the suite's 16 concurrent
 * callers. Needs a server: see {@link PostgresDatabase}.
 */
class JdbcUsageCountersContractTest extends UsageCountersContract {
    @RegisterExtension
    static final PostgresDatabase DB = new PostgresDatabase();

    @BeforeEach
    void emptyTables() throws SQLException {
        DB.truncate();
    }

    @Override
    protected UsageCounters newCounters(Clock clock) {
        return JdbcUsageCounters.builder(DB.pool(16)).clock(clock).build();
    }
}
