package dev.apikey.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.apikey.Actor;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.VerifierBuilder;
import dev.apikey.hazelcast.HazelcastOptions;
import dev.apikey.jaxrs.ApiKeyFeature;
import dev.apikey.jaxrs.github.GitHubSecretScanning;
import dev.apikey.leak.LeakAction;
import dev.apikey.leak.LeakReports;
import dev.apikey.servlet.ApiKeyFilterConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The runnable demo: one Jetty 12 serving the Jersey app ({@code /api/...}), the admin API
 * ({@code /admin/keys...}) and the servlet app from a real {@code WEB-INF/web.xml} ({@code /reports/usage}),
 * all sharing one key store. At start it issues the demo keys and writes them to {@code --keys-out};
 * it never prints a key.
 */
@Command(name = "apikey-examples", mixinStandardHelpOptions = true, version = "apikey demo 0.1.0",
        description = "The apikey demo server.")
public final class DemoServer implements Callable<Integer> {
    /** The ports the embedded Hazelcast members use and join on (DESIGN.md: 5701-5710). */
    public static final String DEFAULT_CLUSTER_PORTS = "5701-5710";

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;
    @Option(names = "--keys-out", defaultValue = "apikey-demo-keys.json",
            description = "Where to write the demo keys as JSON (default: ${DEFAULT-VALUE}).")
    Path keysOut;
    @Option(names = "--store", defaultValue = "memory", description = "memory, file:PATH or "
            + "jdbc:postgresql://HOST[:PORT]/DB?user=U with the password in " + DemoDatabase.PASSWORD_ENV
            + " (default: ${DEFAULT-VALUE}).")
    String store;
    @Option(names = "--cluster", description = "Keep keys, revocations and rate limits in an embedded Hazelcast member "
            + "on 127.0.0.1 that joins the others on the cluster ports; needs " + HazelcastOptions.CLUSTER_SECRET_ENV + ". With "
            + "--store jdbc:... the cluster's registry, quotas and credits are kept in PostgreSQL.")
    boolean cluster;
    @Option(names = "--cluster-ports", defaultValue = DEFAULT_CLUSTER_PORTS, hidden = true,
            description = "Port range of the embedded members (default: ${DEFAULT-VALUE}).")
    String clusterPorts;
    @Option(names = "--github-keys-url", defaultValue = "https://api.github.com/meta/public_keys/secret_scanning",
            description = "Where GitHub's secret-scanning signing keys are published (default: ${DEFAULT-VALUE}).")
    java.net.URI githubKeysUrl;

    // Held strongly: java.util.logging forgets the level of a logger nobody references.
    private static final java.util.logging.Logger JETTY_LOG = java.util.logging.Logger.getLogger("org.eclipse.jetty");
    private static final java.util.logging.Logger HAZELCAST_LOG = java.util.logging.Logger.getLogger("com.hazelcast");
    private static final java.util.logging.Logger HIKARI_LOG = java.util.logging.Logger.getLogger("com.zaxxer.hikari");

    /** Entry point. */
    public static void main(String[] args) {
        // One line per log record (audit lines included), and only warnings from Jetty and Hazelcast, so the
        // one "ready" line stands out.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
        }
        JETTY_LOG.setLevel(java.util.logging.Level.WARNING);
        HAZELCAST_LOG.setLevel(java.util.logging.Level.WARNING);
        HIKARI_LOG.setLevel(java.util.logging.Level.WARNING);
        CommandLine cl = new CommandLine(new DemoServer());
        cl.setExecutionExceptionHandler((e, c, p) -> {
            System.err.println("apikey-examples: error: " + e.getMessage());
            return 2;
        });
        System.exit(cl.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Running running = start(this, System::getenv);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "apikey-demo-shutdown"));
        // Only the kind of store: a database URL names the user and host, which the log has no need of.
        System.out.println("apikey demo ready on http://" + host + ":" + running.port()
                + " (store: " + running.storeKind() + "; demo keys written to " + keysOut.toAbsolutePath() + ")");
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** Starts a server from parsed options (tests call this in-process), reading the process environment. */
    public static Running start(String... args) throws Exception {
        return start(System::getenv, args);
    }

    /** Starts a server from parsed options with {@code env} as the environment (for in-process tests). */
    public static Running start(Function<String, String> env, String... args) throws Exception {
        DemoServer options = new DemoServer();
        new CommandLine(options).parseArgs(args);
        return start(options, env);
    }

    private static Running start(DemoServer o, Function<String, String> env) throws Exception {
        DemoStores stores = DemoStores.open(o.store, o.cluster, o.clusterPorts, env);
        try {
            return serve(o, stores);
        } catch (Exception | Error e) {
            stores.close();
            throw e;
        }
    }

    private static Running serve(DemoServer o, DemoStores stores) throws Exception {
        dev.apikey.spi.KeyStore keyStore = stores.keyStore();
        DemoMetrics metrics = new DemoMetrics();
        metrics.observer().bindStore(keyStore);
        KeyManager manager = KeyManager.builder(keyStore).auditSink(metrics.auditSink()).build();
        VerifierBuilder vb = stores.applyTo(ApiKeyVerifier.builder(keyStore).from(manager).realm("apikey-demo")
                .auditSink(metrics.auditSink()).decisionObserver(metrics.observer()));
        ApiKeyVerifier verifier = vb.build();
        writeDemoKeys(manager, o.keysOut);

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(o.host);
        connector.setPort(o.port);
        server.addConnector(connector);

        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        webapp.setBaseResource(ResourceFactory.of(webapp).newClassLoaderResource("webapp"));
        webapp.setParentLoaderPriority(true);
        webapp.setAttribute(ApiKeyFilterConfig.VERIFIER_ATTRIBUTE, verifier);

        Filter remoteAddress = (request, response, chain) -> {
            request.setAttribute(ApiKeyFeature.REMOTE_ADDRESS_PROPERTY, (Supplier<String>) request::getRemoteAddr);
            chain.doFilter(request, response);
        };
        webapp.addFilter(new FilterHolder(remoteAddress), "/*", EnumSet.of(DispatcherType.REQUEST));
        ResourceConfig app = new ResourceConfig(DemoResource.class).register(metrics.endpoint())
                .register(new ApiKeyFeature(verifier).withRemoteAddress(ApiKeyFeature.fromRequestProperty()).withAdmin(manager))
                // GitHub's secret-scanning partner endpoint, POST /secret-scanning/github: revokes reported keys of ours.
                .register(GitHubSecretScanning.builder(new LeakReports(manager.actingAs(Actor.named("github-secret-scanning")),
                        LeakAction.REVOKE)).keysUrl(o.githubKeysUrl).problems(verifier.problems()).build())
                .property(ServerProperties.WADL_FEATURE_DISABLE, true);
        ServletHolder jersey = new ServletHolder("jersey", new ServletContainer(app));
        jersey.setInitOrder(1);
        // "/*" is the shortest prefix: web.xml's /reports/* mapping wins for the servlet app.
        webapp.addServlet(jersey, "/*");

        server.setHandler(webapp);
        server.setStopTimeout(2_000);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            verifier.close();
            throw e;
        }
        return new Running(server, connector, verifier, manager, stores);
    }

    /** Issues the five demo keys and writes them, owner-readable only, to {@code out}. */
    static void writeDemoKeys(KeyManager manager, Path out) throws IOException {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("reader", demoKey(manager, KeyRequest.builder().owner("demo-reader").scopes("billing:read")));
        keys.put("writer", demoKey(manager, KeyRequest.builder().owner("demo-writer").scopes("billing:read", "billing:write")));
        keys.put("reports", demoKey(manager, KeyRequest.builder().owner("demo-reports").scopes("reports:read")));
        keys.put("limited", demoKey(manager, KeyRequest.builder().owner("demo-limited").scopes("billing:read").rateLimit("5/1m")));
        // The admin key may grant only what it holds, so it holds what the demo's keys use.
        keys.put("admin", demoKey(manager, KeyRequest.builder().owner("demo-admin")
                .scopes("apikeys:admin", "billing:*", "reports:read")));
        byte[] json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(keys);
        Path target = out.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), ".apikey-demo-keys", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the platform's default permissions apply.
            }
            Files.write(tmp, json);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Map<String, Object> demoKey(KeyManager manager, KeyRequest.Builder request) {
        IssuedKey issued = manager.issue(request.build());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", issued.record().id());
        m.put("key", issued.key().reveal());
        m.put("scopes", List.copyOf(issued.record().scopes().names()));
        return m;
    }

    /** A started demo server. */
    public static final class Running implements AutoCloseable {
        private final Server server;
        private final ServerConnector connector;
        private final ApiKeyVerifier verifier;
        private final KeyManager manager;
        private final DemoStores stores;

        Running(Server server, ServerConnector connector, ApiKeyVerifier verifier, KeyManager manager, DemoStores stores) {
            this.server = server;
            this.connector = connector;
            this.verifier = verifier;
            this.manager = manager;
            this.stores = stores;
        }

        /** The HTTP port. */
        public int port() {
            return connector.getLocalPort();
        }

        /** The kind of store, as the ready line names it ({@code memory}, {@code cluster backed by postgresql}, ...). */
        public String storeKind() {
            return stores.kind();
        }

        /** The key manager (tests use it to inspect records). */
        public KeyManager manager() {
            return manager;
        }

        /** Stops HTTP, then the Hazelcast member, then the database pool. */
        @Override
        public void close() {
            try {
                server.stop();
            } catch (Exception e) {
                System.err.println("apikey-examples: stopping HTTP failed: " + e.getClass().getSimpleName());
            }
            verifier.close();
            stores.close();
        }
    }
}
