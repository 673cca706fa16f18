package dev.apikey.jdbc;

import dev.apikey.spi.KeyStore;
import dev.apikey.spi.KeyStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The store contract with a cache on every view: each view is a node with its own pool and its own listener, so
 * what the contract changes through one view must reach the other through NOTIFY (within the contract's
 * propagation bound). Needs a server: see {@link PostgresDatabase}.
 */
class CachedJdbcKeyStoreContractTest extends KeyStoreContract {
    @RegisterExtension
    static final PostgresDatabase DB = new PostgresDatabase();

    private final List<JdbcKeyStore> stores = new ArrayList<>();

    @BeforeEach
    void emptyTables() throws SQLException {
        DB.truncate();
    }

    @AfterEach
    void stopListeners() {
        stores.forEach(JdbcKeyStore::close);
    }

    @Override
    protected KeyStore newStore() {
        JdbcKeyStore store = JdbcKeyStore.builder(DB.dataSource()).cache(CacheOptions.ofDefaults()).build();
        stores.add(store);
        return store;
    }

    @Override
    protected KeyStore otherView(KeyStore store) {
        return newStore();
    }
}
