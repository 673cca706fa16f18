package dev.apikey.servlet;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.Text;
import dev.apikey.servlet.spi.DataSourceStoreProvider;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.UsageCounters;
import dev.apikey.store.FileKeyStore;
import dev.apikey.store.InMemoryKeyStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/** Turns the {@value ApiKeyFilterConfig#STORE} init-param into a store. The one place that knows the store kinds. */
final class StoreFactory {
    /** The jar that implements {@code jndi:} stores, as a start error names it. */
    static final String JDBC_JAR = "apikey-jdbc (dev.apikey:apikey-jdbc)";

    private StoreFactory() {
    }

    /** A store, and the usage counters that go with it ({@code null}: the verifier's in-memory ones). */
    record Stores(KeyStore store, UsageCounters counters) {
    }

    /**
     * The store {@code spec} names: {@code memory}, {@code file:PATH} or {@code jndi:NAME}. A missing file is created
     * only when {@code createFile} is true; missing tables only when {@code createSchema} is true.
     *
     * @throws InvalidConfigurationException for anything else, a missing file, a JNDI name bound to nothing or to
     *                                       something else than a DataSource, or no apikey-jdbc; naming the value
     */
    static Stores create(String spec, boolean createFile, boolean createSchema) {
        String s = spec == null ? "" : spec.strip();
        if (s.equals("memory")) {
            return new Stores(new InMemoryKeyStore(), null);
        }
        if (s.startsWith("file:")) {
            return new Stores(file(s.substring("file:".length()), createFile), null);
        }
        if (s.startsWith("jndi:")) {
            return jndi(s.substring("jndi:".length()).strip(), createSchema);
        }
        throw new InvalidConfigurationException("store must be 'memory', 'file:PATH' or 'jndi:NAME', got '"
                + Text.safe(s, 64) + "'");
    }

    private static KeyStore file(String path, boolean createMissing) {
        if (path.isEmpty()) {
            throw new InvalidConfigurationException("store 'file:' needs a path, e.g. file:/var/lib/app/keys.json");
        }
        Path file = Path.of(path);
        // A typo in the path would otherwise start an empty store and answer 401 to every client.
        if (!createMissing && !Files.exists(file)) {
            throw new InvalidConfigurationException("key file " + Text.safe(file.toString(), 256)
                    + " does not exist; create it, or set init-param '" + ApiKeyFilterConfig.CREATE_STORE + "' to true");
        }
        return FileKeyStore.builder(file).build();
    }

    private static Stores jndi(String name, boolean createSchema) {
        if (name.isEmpty()) {
            throw new InvalidConfigurationException("store 'jndi:' needs a name, e.g. jndi:java:comp/env/jdbc/apikeys");
        }
        // The provider first: without the jar, the JNDI name is beside the point.
        DataSourceStoreProvider provider = provider();
        DataSource dataSource = lookup(name);
        return new Stores(provider.keyStore(dataSource, createSchema), provider.usageCounters(dataSource));
    }

    private static DataSourceStoreProvider provider() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        for (ClassLoader loader : new ClassLoader[] {context, StoreFactory.class.getClassLoader()}) {
            Iterator<DataSourceStoreProvider> found = ServiceLoader.load(DataSourceStoreProvider.class, loader).iterator();
            try {
                if (found.hasNext()) {
                    return found.next();
                }
            } catch (ServiceConfigurationError e) {
                // apikey-jdbc where it cannot see this jar's SPI, e.g. in the container's lib with apikey-servlet in
                // WEB-INF/lib: two copies of the interface.
                throw new InvalidConfigurationException("the " + JDBC_JAR + " jar was found but cannot be used ("
                        + e.getMessage() + "); put it in the same place as apikey-servlet (both in WEB-INF/lib)");
            }
        }
        throw new InvalidConfigurationException("a jndi: store needs the " + JDBC_JAR
                + " jar beside apikey-servlet (in WEB-INF/lib), and no " + DataSourceStoreProvider.class.getName() + " was found");
    }

    private static DataSource lookup(String name) {
        Object bound;
        try {
            bound = new InitialContext().lookup(name);
        } catch (NamingException e) {
            throw new InvalidConfigurationException("JNDI name '" + Text.safe(name, 128) + "' is not bound ("
                    + e.getClass().getSimpleName() + "); declare the DataSource in the container (Tomcat: a <Resource> in"
                    + " META-INF/context.xml) and a <resource-ref> for it in web.xml");
        }
        if (bound instanceof DataSource ds) {
            return ds;
        }
        throw new InvalidConfigurationException("JNDI name '" + Text.safe(name, 128) + "' is bound to a "
                + (bound == null ? "null" : bound.getClass().getName()) + ", not a javax.sql.DataSource");
    }
}
