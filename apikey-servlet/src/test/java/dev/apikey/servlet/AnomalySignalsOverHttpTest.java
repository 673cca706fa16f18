package dev.apikey.servlet;

import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.KeyStatus;
import dev.apikey.MutableClock;
import dev.apikey.anomaly.AnomalyPolicy;
import dev.apikey.anomaly.AnomalyPolicy.Signal;
import dev.apikey.spi.LifecycleEvent;
import dev.apikey.spi.LifecycleRecorder;
import dev.apikey.store.InMemoryKeyStore;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The anomaly signals on real traffic through the filter on Jetty, behind a trusted proxy on 127.0.0.1 whose
 * {@code X-Forwarded-For} names the clients. Time is a fake clock the test moves window by window. Per node: this
 * one verifier sees all the traffic.
 */
class AnomalySignalsOverHttpTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
    private final InMemoryKeyStore store = new InMemoryKeyStore();
    private final LifecycleRecorder lifecycle = new LifecycleRecorder();
    private final KeyManager manager = KeyManager.builder(store).clock(clock).auditSink(lifecycle).build();
    private final HttpClient client = HttpClient.newHttpClient();
    private Server server;
    private int port;

    private void start(AnomalyPolicy policy) throws Exception {
        ApiKeyVerifier verifier = ApiKeyVerifier.builder(store).from(manager).auditSink(lifecycle)
                .trustedProxies(List.of("127.0.0.1/32")).clientThrottle(ClientThrottle.disabled())
                .lastUsedExecutor(Runnable::run).anomalies(policy)
                // Plain HTTP from the forwarded clients: this test is about traffic, not transport.
                .cleartextKeys(dev.apikey.CleartextKeys.ALLOW).build();
        server = new Server();
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler app = new ServletContextHandler("/");
        app.setAttribute(ApiKeyFilterConfig.VERIFIER_ATTRIBUTE, verifier);
        app.addFilter(ApiKeyFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST));
        app.addServlet(EchoServlet.class, "/*");
        server.setHandler(app);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private int get(String key, String client) throws Exception {
        return client().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/x"))
                .header("X-API-Key", key).header("X-Forwarded-For", client).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpClient client() {
        return client;
    }

    /** One window of {@code n} requests from {@code networks} different /24s, then the clock moves a window on. */
    private int window(String key, int n, int networks) throws Exception {
        int ok = 0;
        for (int i = 0; i < n; i++) {
            ok += get(key, "198.51." + (i % networks) + "." + (1 + i % 200)) == 200 ? 1 : 0;
        }
        clock.advance(Duration.ofMinutes(1));
        return ok;
    }

    private List<LifecycleEvent> anomalies() {
        return lifecycle.events.stream().filter(e -> e.action() == LifecycleEvent.Action.ANOMALY).toList();
    }

    @Test
    void aKeySuddenlyUsedFromManyNetworksIsReportedOnceWithoutTheAddresses() throws Exception {
        start(AnomalyPolicy.custom().warmupWindows(3).networks(4, 6).traffic(50, 10_000).build());
        String key = manager.issue(KeyRequest.builder().owner("partner-x").build()).key().reveal();
        for (int w = 0; w < 4; w++) {
            assertThat(window(key, 10, 1)).isEqualTo(10);
        }
        assertThat(anomalies()).isEmpty();

        assertThat(window(key, 30, 30)).as("reported, never refused").isEqualTo(30);

        assertThat(anomalies()).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("anomaly");
            assertThat(e.detail()).startsWith("signal=networks").doesNotContain("198.51.");
            assertThat(e.toLine()).doesNotContain(key);
        });
    }

    @Test
    void withSuspendOnTrafficASpikeSuspendsTheKeyAndTheNextRequestIsRefused() throws Exception {
        start(AnomalyPolicy.custom().warmupWindows(3).traffic(5, 20).suspendOn(Signal.TRAFFIC).build());
        var issued = manager.issue(KeyRequest.builder().owner("partner-y").build());
        String key = issued.key().reveal();
        for (int w = 0; w < 4; w++) {
            assertThat(window(key, 4, 1)).isEqualTo(4);
        }

        int ok = 0;
        for (int i = 0; i < 40; i++) {
            ok += get(key, "198.51.100.7") == 200 ? 1 : 0;
        }

        assertThat(ok).as("allowed until the spike crossed 5x the usual, then suspended").isBetween(20, 21);
        assertThat(store.findById(issued.record().id()).orElseThrow().status()).isEqualTo(KeyStatus.SUSPENDED);
        assertThat(lifecycle.events).extracting(LifecycleEvent::action)
                .containsSubsequence(LifecycleEvent.Action.ANOMALY, LifecycleEvent.Action.SUSPEND);
        assertThat(lifecycle.events.stream().filter(e -> e.action() == LifecycleEvent.Action.SUSPEND))
                .singleElement().extracting(LifecycleEvent::actor).isEqualTo("anomaly");
    }
}
