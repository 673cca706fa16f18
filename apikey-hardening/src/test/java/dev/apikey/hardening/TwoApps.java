package dev.apikey.hardening;

import dev.apikey.ApiKeyVerifier;
import dev.apikey.CleartextKeys;
import dev.apikey.ClientThrottle;
import dev.apikey.Environment;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.RateLimit;
import dev.apikey.VerifierBuilder;
import dev.apikey.jaxrs.ApiKeyFeature;
import dev.apikey.servlet.ApiKeyFilter;
import dev.apikey.servlet.ApiKeyFilterConfig;
import dev.apikey.servlet.PathRules;
import dev.apikey.spi.KeyStore;
import dev.apikey.store.InMemoryKeyStore;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

/**
 * The two applications under test, each on its own real Jetty 12.1 (ee11) on 127.0.0.1, sharing one store:
 * <ul>
 *   <li>the servlet app: {@link ApiKeyFilter} from {@code src/test/resources/webapp/WEB-INF/web.xml};</li>
 *   <li>the Jersey 4 app: {@link ApiKeyFeature} over a verifier built in code with the same settings, plus the
 *       admin API.</li>
 * </ul>
 * Both serve {@code GET /billing/invoices} (billing:read), {@code POST /billing/invoices} (billing:write) and
 * {@code GET /whoami} (any key), and the same under {@code /down} (a store that {@link #faults} can make throw or
 * hang; lookups bounded to {@link #LOOKUP_TIMEOUT}) and {@code /throttled} (a client throttle of 2 failures per hour,
 * one verifier per adapter, behind a trusted proxy: 127.0.0.1, so a test names the client in
 * {@code X-Forwarded-For}, and a request without it is the proxy's own), and {@code /guarded} (the same proxy, and
 * {@link CleartextKeys#SUSPEND} for keys sent over plain HTTP).
 */
final class TwoApps implements AutoCloseable {
    static final String REALM = "hardening";
    static final Duration LOOKUP_TIMEOUT = Duration.ofMillis(300);
    private static final String RULES = "GET /billing/* billing:read\nPOST /billing/* billing:write\nGET /whoami";

    /** The adapters, for tests that run the same thing on each. */
    enum Adapter { SERVLET, JAXRS }

    final InMemoryKeyStore records = new InMemoryKeyStore();
    final CountingStore store = new CountingStore(records);
    final KeyManager keys = KeyManager.builder(store).build();
    final FaultyStore faults = new FaultyStore(records);

    private final ApiKeyVerifier jerseyVerifier = base(store).build();
    private final List<ApiKeyVerifier> owned;
    private final Server servletServer = new Server();
    private final Server jerseyServer = new Server();
    private final int servletPort;
    private final int jerseyPort;

    TwoApps() throws Exception {
        ApiKeyVerifier servletDown = base(faults).lookupTimeout(LOOKUP_TIMEOUT).build();
        ApiKeyVerifier jerseyDown = base(faults).lookupTimeout(LOOKUP_TIMEOUT).build();
        ApiKeyVerifier servletThrottled = base(store).clientThrottle(throttle()).trustedProxies(List.of(PROXY)).build();
        ApiKeyVerifier jerseyThrottled = base(store).clientThrottle(throttle()).trustedProxies(List.of(PROXY)).build();
        ApiKeyVerifier servletGuarded = base(store).trustedProxies(List.of(PROXY)).cleartextKeys(CleartextKeys.SUSPEND).build();
        ApiKeyVerifier jerseyGuarded = base(store).trustedProxies(List.of(PROXY)).cleartextKeys(CleartextKeys.SUSPEND).build();
        owned = List.of(jerseyVerifier, servletDown, jerseyDown, servletThrottled, jerseyThrottled, servletGuarded, jerseyGuarded);

        WebAppContext app = new WebAppContext(webappDir().toString(), "/");
        app.setParentLoaderPriority(true);
        app.setAttribute(ApiKeyFilterConfig.STORE_ATTRIBUTE, store);
        servletServer.setHandler(new ContextHandlerCollection(app, servletContext("/down", servletDown),
                servletContext("/throttled", servletThrottled), servletContext("/guarded", servletGuarded)));
        servletPort = start(servletServer);

        ServletContextHandler jersey = new ServletContextHandler("/");
        Filter remoteAddress = (request, response, chain) -> {
            request.setAttribute(ApiKeyFeature.REMOTE_ADDRESS_PROPERTY, request.getRemoteAddr());
            chain.doFilter(request, response);
        };
        jersey.addFilter(new FilterHolder(remoteAddress), "/*", EnumSet.of(DispatcherType.REQUEST));
        jersey.addServlet(jerseyServlet(new ApiKeyFeature(jerseyVerifier).withAdmin(keys)), "/*");
        jersey.addServlet(jerseyServlet(new ApiKeyFeature(jerseyDown)), "/down/*");
        jersey.addServlet(jerseyServlet(new ApiKeyFeature(jerseyThrottled)), "/throttled/*");
        jersey.addServlet(jerseyServlet(new ApiKeyFeature(jerseyGuarded)), "/guarded/*");
        jerseyServer.setHandler(jersey);
        jerseyPort = start(jerseyServer);
    }

    /** The settings web.xml gives the servlet app's verifier. */
    private static VerifierBuilder base(KeyStore s) {
        return ApiKeyVerifier.builder(s).realm(REALM).queryParameter("api_key").environments(Environment.LIVE)
                .clientThrottle(ClientThrottle.disabled());
    }

    private static ClientThrottle throttle() {
        return new ClientThrottle(true, RateLimit.parse("2/1h"), 100, List.of());
    }

    /** The address every test request comes from, trusted as a proxy by the {@code /throttled} verifiers. */
    static final String PROXY = "127.0.0.1/32";

    private static ServletContextHandler servletContext(String path, ApiKeyVerifier verifier) {
        ServletContextHandler c = new ServletContextHandler(path);
        c.addFilter(new FilterHolder(new ApiKeyFilter(verifier, PathRules.builder().rules(RULES).build())), "/*",
                EnumSet.of(DispatcherType.REQUEST));
        c.addServlet(OkServlet.class, "/*");
        return c;
    }

    private static ServletHolder jerseyServlet(ApiKeyFeature feature) {
        ResourceConfig rc = new ResourceConfig(Resources.Billing.class, Resources.WhoAmI.class).register(feature)
                .property(ServerProperties.WADL_FEATURE_DISABLE, true);
        ServletHolder h = new ServletHolder(new ServletContainer(rc));
        h.setInitOrder(1);
        return h;
    }

    private static int start(Server server) throws Exception {
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setStopTimeout(1_000);
        server.start();
        return connector.getLocalPort();
    }

    private static Path webappDir() throws URISyntaxException {
        return Path.of(TwoApps.class.getResource("/webapp/WEB-INF/web.xml").toURI()).getParent().getParent();
    }

    int port(Adapter a) {
        return a == Adapter.SERVLET ? servletPort : jerseyPort;
    }

    /** Issues a key in the shared store; returns the plaintext. */
    String issue(KeyRequest.Builder request) {
        return keys.issue(request.build()).key().reveal();
    }

    @Override
    public void close() throws Exception {
        faults.release();
        servletServer.stop();
        jerseyServer.stop();
        for (ApiKeyVerifier v : owned) {
            v.close();
        }
    }
}
