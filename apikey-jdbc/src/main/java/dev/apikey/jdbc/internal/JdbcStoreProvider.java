package dev.apikey.jdbc.internal;

import dev.apikey.jdbc.JdbcKeyStore;
import dev.apikey.jdbc.JdbcUsageCounters;
import dev.apikey.servlet.spi.DataSourceStoreProvider;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.UsageCounters;

import javax.sql.DataSource;

/**
 * The servlet filter's {@code store=jndi:NAME}: a {@link JdbcKeyStore} and {@link JdbcUsageCounters} over the
 * container's DataSource. Registered in {@code META-INF/services}; loaded only where apikey-servlet is present.
 */
public final class JdbcStoreProvider implements DataSourceStoreProvider {
    /** For {@link java.util.ServiceLoader}. */
    public JdbcStoreProvider() {
    }

    @Override
    public KeyStore keyStore(DataSource dataSource, boolean createSchema) {
        return JdbcKeyStore.builder(dataSource).createSchema(createSchema).build();
    }

    @Override
    public UsageCounters usageCounters(DataSource dataSource) {
        return JdbcUsageCounters.builder(dataSource).build();
    }
}
