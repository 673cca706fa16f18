package dev.apikey.servlet;

import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code store=file:PATH}: the filter reads a key file that another process edits (here a second store
 * instance over the same file, as the CLI would be).
 */
class ApiKeyFilterFileStoreTest {
    @TempDir
    Path dir;
    private Server server;
    private KeyManager editor;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        Path file = dir.resolve("keys.json");
        editor = KeyManager.builder(StoreFactory.create("file:" + file, true, false).store()).build();
        server = new Server();
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler app = new ServletContextHandler("/");
        FilterHolder filter = new FilterHolder(ApiKeyFilter.class);
        filter.setInitParameter(ApiKeyFilterConfig.STORE, "file:" + file);
        filter.setInitParameter(ApiKeyFilterConfig.SCOPE_RULES, "GET /billing/* billing:read");
        app.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        app.addServlet(EchoServlet.class, "/*");
        server.setHandler(app);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private int status(String key) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/billing/x");
        return client.send(HttpRequest.newBuilder(uri).header("X-API-Key", key).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Asks until the answer satisfies {@code done} or {@code within} has passed; returns the time taken. */
    private Duration until(String key, IntPredicate done, Duration within) throws Exception {
        long start = System.nanoTime();
        long deadline = start + within.toNanos();
        while (!done.test(status(key))) {
            assertThat(System.nanoTime()).as("answer did not change within %s", within).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void keyAddedToTheFileWorksWithoutRestart() throws Exception {
        IssuedKey issued = editor.issue(KeyRequest.builder().owner("team-a").scopes("billing:read").build());

        until(issued.key().reveal(), s -> s == 200, Duration.ofSeconds(1));
    }

    @Test
    void keyRevokedInTheFileIsRejectedWithinOneSecond() throws Exception {
        IssuedKey issued = editor.issue(KeyRequest.builder().owner("team-a").scopes("billing:read").build());
        String key = issued.key().reveal();
        until(key, s -> s == 200, Duration.ofSeconds(1));

        editor.revoke(issued.record().id());

        assertThat(until(key, s -> s == 401, Duration.ofSeconds(1))).isLessThan(Duration.ofSeconds(1));
    }
}
