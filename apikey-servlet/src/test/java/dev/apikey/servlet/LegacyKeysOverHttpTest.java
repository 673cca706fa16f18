package dev.apikey.servlet;

import dev.apikey.ImportedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An imported legacy key through the filter on Jetty, configured by init-params over a key file: refused as
 * malformed by default, accepted with {@code legacy-keys=true}, and the application sees its owner.
 */
class LegacyKeysOverHttpTest {
    private static final String OLD_KEY = "sk_live_51HxLegacyPartnerKey0042";

    @TempDir
    Path dir;
    private Server server;
    private final HttpClient client = HttpClient.newHttpClient();

    private int start(boolean legacy) throws Exception {
        Path file = dir.resolve("keys.json");
        KeyManager manager = KeyManager.builder(StoreFactory.create("file:" + file, true, false).store()).build();
        manager.importKey(ImportedKey.plaintext(OLD_KEY, KeyRequest.builder().owner("partner-x").scopes("billing:read").build()));
        server = new Server();
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler app = new ServletContextHandler("/");
        FilterHolder filter = new FilterHolder(ApiKeyFilter.class);
        filter.setInitParameter(ApiKeyFilterConfig.STORE, "file:" + file);
        filter.setInitParameter(ApiKeyFilterConfig.SCOPE_RULES, "GET /billing/* billing:read");
        if (legacy) {
            filter.setInitParameter(ApiKeyFilterConfig.LEGACY_KEYS, "true");
        }
        app.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        app.addServlet(EchoServlet.class, "/*");
        server.setHandler(app);
        server.start();
        return connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private HttpResponse<String> get(int port) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/billing/invoices"))
                .header("X-API-Key", OLD_KEY).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void byDefaultALegacyKeyIsMalformed() throws Exception {
        HttpResponse<String> r = get(start(false));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).doesNotContain(OLD_KEY).doesNotContain("partner-x");
    }

    @Test
    void withLegacyKeysOnTheImportedKeyPassesAndTheApplicationSeesItsOwner() throws Exception {
        HttpResponse<String> r = get(start(true));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("owner=partner-x").doesNotContain(OLD_KEY);
    }
}
