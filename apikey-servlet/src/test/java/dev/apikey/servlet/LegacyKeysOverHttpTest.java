package dev.apikey.servlet;

import dev.apikey.ImportedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyRequest;
import dev.apikey.store.InMemoryKeyStore;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Imported keys through the filter on Jetty, each application configured by its own web.xml: the test application
 * (legacy path off) refuses a legacy key as malformed but takes an imported key of the format; the application of
 * {@code webapp-legacy/WEB-INF/web.xml} ({@code legacy-keys=true}) takes the legacy key, and its failure throttle
 * counts legacy guesses like any other failure.
 */
class LegacyKeysOverHttpTest {
    private static final String OLD_KEY = "sk_live_51HxLegacyPartnerKey0042";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static TestServer legacyOff;
    private static Server legacyOn;
    private static int legacyOnPort;

    @BeforeAll
    static void start() throws Exception {
        legacyOff = new TestServer();
        legacyOff.keys.importKey(ImportedKey.plaintext(OLD_KEY, partner().build()));

        InMemoryKeyStore store = new InMemoryKeyStore();
        KeyManager.builder(store).build().importKey(ImportedKey.plaintext(OLD_KEY, partner().build()));
        legacyOn = new Server();
        ServerConnector connector = new ServerConnector(legacyOn, 1, 1);
        connector.setHost("127.0.0.1");
        legacyOn.addConnector(connector);
        Path webapp = Path.of(LegacyKeysOverHttpTest.class.getResource("/webapp-legacy/WEB-INF/web.xml").toURI())
                .getParent().getParent();
        WebAppContext app = new WebAppContext(webapp.toString(), "/");
        app.setParentLoaderPriority(true);
        app.setAttribute(ApiKeyFilterConfig.STORE_ATTRIBUTE, store);
        legacyOn.setHandler(app);
        legacyOn.start();
        legacyOnPort = connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        legacyOff.close();
        legacyOn.stop();
    }

    private static KeyRequest.Builder partner() {
        return KeyRequest.builder().owner("partner-x").scopes("billing:read");
    }

    private static HttpResponse<String> getLegacyOn(String key) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + legacyOnPort + "/billing/invoices"))
                .header("X-API-Key", key).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void byDefaultALegacyKeyIsMalformedAndAnImportedKeyOfTheFormatWorks() {
        TestServer.Response r = legacyOff.get("/billing/invoices", "X-API-Key", OLD_KEY);
        assertThat(r.status()).isEqualTo(401);
        // The answer a malformed key gets (itself the answer of an unknown key: a client learns nothing more).
        TestServer.Response malformed = legacyOff.get("/billing/invoices", "X-API-Key", "ak_live_malformed");
        assertThat(r.problem()).isEqualTo(malformed.problem());
        assertThat(r.body()).doesNotContain(OLD_KEY).doesNotContain("partner-x");

        // A key of the format issued elsewhere (another deployment with the same format), then imported here.
        String ours = KeyManager.builder(new InMemoryKeyStore()).build().issue(partner().build()).key().reveal();
        KeyRecord imported = legacyOff.keys.importKey(ImportedKey.plaintext(ours, partner().build()));
        assertThat(imported.legacy()).isFalse();
        TestServer.Response ok = legacyOff.get("/billing/invoices", "X-API-Key", ours);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.echo()).containsEntry("owner", "partner-x");
    }

    @Test
    void withLegacyKeysOnTheImportedKeyPassesAndGuessesAreThrottled() throws Exception {
        HttpResponse<String> r = getLegacyOn(OLD_KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("owner=partner-x").doesNotContain(OLD_KEY);

        for (int i = 0; i < 3; i++) {
            assertThat(getLegacyOn("sk_live_guess" + i + "aaaaaaaaaaaaaaaa").statusCode()).isEqualTo(401);
        }
        HttpResponse<String> throttled = getLegacyOn("sk_live_guess3aaaaaaaaaaaaaaaa");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.body()).doesNotContain("guess");
    }
}
