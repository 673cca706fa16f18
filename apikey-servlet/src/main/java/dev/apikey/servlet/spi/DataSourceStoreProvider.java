package dev.apikey.servlet.spi;

import dev.apikey.spi.KeyStore;
import dev.apikey.spi.UsageCounters;

import javax.sql.DataSource;

/**
 * Opens a key store and usage counters over a {@link DataSource}, for the init-param
 * {@code store=jndi:NAME} of {@link dev.apikey.servlet.ApiKeyFilter}. {@code apikey-jdbc} implements it; the filter
 * finds the implementation with {@link java.util.ServiceLoader}, so {@code apikey-servlet} needs {@code apikey-jdbc}
 * only in applications that keep their keys in a database.
 */
public interface DataSourceStoreProvider {
    /**
     * The key store over {@code dataSource}.
     *
     * @param createSchema whether missing tables are created first (connecting at once)
     */
    KeyStore keyStore(DataSource dataSource, boolean createSchema);

    /** Durable quota and credit counters over {@code dataSource}, in the tables of {@link #keyStore}. */
    UsageCounters usageCounters(DataSource dataSource);
}
