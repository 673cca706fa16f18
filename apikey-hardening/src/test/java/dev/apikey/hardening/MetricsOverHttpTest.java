package dev.apikey.hardening;

import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.jaxrs.ApiKeyFeature;
import dev.apikey.micrometer.ApiKeyMetrics;
import dev.apikey.servlet.ApiKeyFilter;
import dev.apikey.servlet.PathRules;
import dev.apikey.spi.AuditSink;
import dev.apikey.store.InMemoryKeyStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Micrometer meters over real HTTP: one registry, the servlet filter at {@code /servlet} and a Jersey app at
 * {@code /jersey} on one Jetty, each with its own verifier bound to it; decisions are counted under their adapter
 * and outcome, and verification is timed.
 */
class MetricsOverHttpTest {
    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();
    private static final InMemoryKeyStore STORE = new InMemoryKeyStore();
    private static final KeyManager KEYS = KeyManager.builder(STORE).build();
    private static final ApiKeyMetrics METRICS = ApiKeyMetrics.bindTo(REGISTRY);
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static Server server;
    private static int port;
    private static ApiKeyVerifier servlet;
    private static ApiKeyVerifier jersey;

    private static ApiKeyVerifier verifier() {
        return ApiKeyVerifier.builder(STORE).from(KEYS).auditSink(AuditSink.NONE).clientThrottle(ClientThrottle.disabled())
                .decisionObserver(METRICS).build();
    }

    @BeforeAll
    static void start() throws Exception {
        servlet = verifier();
        jersey = verifier();
        ServletContextHandler servletApp = new ServletContextHandler("/servlet");
        servletApp.addFilter(new FilterHolder(new ApiKeyFilter(servlet,
                PathRules.builder().rules("GET /billing/* billing:read").build())), "/*", EnumSet.of(DispatcherType.REQUEST));
        servletApp.addServlet(OkServlet.class, "/*");
        ServletContextHandler jerseyApp = new ServletContextHandler("/jersey");
        Filter remoteAddress = (request, response, chain) -> {
            request.setAttribute(ApiKeyFeature.REMOTE_ADDRESS_PROPERTY, request.getRemoteAddr());
            chain.doFilter(request, response);
        };
        jerseyApp.addFilter(new FilterHolder(remoteAddress), "/*", EnumSet.of(DispatcherType.REQUEST));
        jerseyApp.addServlet(new ServletHolder(new ServletContainer(new ResourceConfig(Resources.Billing.class)
                .register(new ApiKeyFeature(jersey).withRemoteAddress(ApiKeyFeature.fromRequestProperty())))), "/*");
        server = new Server();
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new ContextHandlerCollection(servletApp, jerseyApp));
        server.start();
        port = connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        servlet.close();
        jersey.close();
    }

    private static int get(String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (key != null) {
            b.header("X-API-Key", key);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static double decisions(String adapter, String outcome) {
        return REGISTRY.get(ApiKeyMetrics.DECISIONS).tag("adapter", adapter).tag("outcome", outcome).counter().count();
    }

    @Test
    void eachAdapterCountsItsDecisionsByOutcomeAndTimesThem() throws Exception {
        String reader = KEYS.issue(KeyRequest.builder().owner("m").scopes("billing:read").build()).key().reveal();
        String other = KEYS.issue(KeyRequest.builder().owner("m").scopes("reports:read").build()).key().reveal();

        for (String app : new String[] {"/servlet", "/jersey"}) {
            assertThat(get(app + "/billing/invoices", reader)).isEqualTo(200);
            assertThat(get(app + "/billing/invoices", reader)).isEqualTo(200);
            assertThat(get(app + "/billing/invoices", other)).isEqualTo(403);
            assertThat(get(app + "/billing/invoices", null)).isEqualTo(401);
        }

        for (String adapter : new String[] {"servlet", "jaxrs"}) {
            assertThat(decisions(adapter, "allowed")).as(adapter).isEqualTo(2);
            assertThat(decisions(adapter, "insufficient_scope")).as(adapter).isEqualTo(1);
            assertThat(decisions(adapter, "missing_key")).as(adapter).isEqualTo(1);
            assertThat(REGISTRY.get(ApiKeyMetrics.VERIFICATION).tag("adapter", adapter).functionTimer().count()).isEqualTo(4);
        }
        assertThat(decisions("other", "allowed")).isZero();
    }
}
