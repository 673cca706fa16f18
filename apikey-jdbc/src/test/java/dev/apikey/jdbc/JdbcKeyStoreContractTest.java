package dev.apikey.jdbc;

import dev.apikey.spi.KeyStore;
import dev.apikey.spi.KeyStoreContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;

/**
 * The store contract on a real PostgreSQL; the other view is a second store over its own DataSource, as another
 * node would have. Needs a server: see {@link PostgresDatabase} and apikey-jdbc/README.md.
 */
class JdbcKeyStoreContractTest extends KeyStoreContract {
    @RegisterExtension
    static final PostgresDatabase DB = new PostgresDatabase();

    @BeforeEach
    void emptyTables() throws SQLException {
        DB.truncate();
    }

    @Override
    protected KeyStore newStore() {
        return JdbcKeyStore.builder(DB.dataSource()).build();
    }

    @Override
    protected KeyStore otherView(KeyStore store) {
        return JdbcKeyStore.builder(DB.dataSource()).build();
    }
}
