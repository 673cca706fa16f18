package dev.apikey.hardening;

import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.servlet.ApiKeyFilterConfig;
import dev.apikey.store.InMemoryKeyStore;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 26, item 1: an exact servlet rule holds on every spelling of its path that Jersey routes to the same
 * resource method. A real Jetty 12.1 (ee11) serves {@code jersey-webapp/WEB-INF/web.xml}: the filter with
 * {@code GET /billing/summary billing:admin} and {@code GET /billing/* billing:read} in front of Jersey's
 * {@code ServletContainer}, and {@code GET /who/admin billing:admin} with {@code GET /who/* billing:read} in front
 * of a plain servlet. The admin key's answers show that Jersey really routes each spelling to the summary
 * handler, so a billing:read key that got through on one of them would read what the exact rule guards.
 *
 * <p>A spelling other than {@code /billing/summary} needs what both rules ask: a plain servlet mapping would hand
 * {@code /billing/summary/} to what {@code /billing/*} guards, Jersey to what {@code /billing/summary} guards, and
 * the filter cannot tell which. The admin key holds both scopes; a key holding only billing:admin is shown apart.
 *
 * <p>The connector accepts ambiguous URIs and the webapp decodes them, so that the filter, not Jetty, is what
 * stops them: the filter must hold on containers that are less strict.
 */
class SamePathOverHttpTest {
    private static final Server SERVER = new Server();
    private static final InMemoryKeyStore STORE = new InMemoryKeyStore();
    private static int port;
    private static String reader;
    private static String admin;
    private static String adminOnly;

    @BeforeAll
    static void start() throws Exception {
        HttpConfiguration http = new HttpConfiguration();
        http.setUriCompliance(UriCompliance.UNSAFE);
        ServerConnector connector = new ServerConnector(SERVER, 1, 1, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        SERVER.addConnector(connector);
        Path webapp = Path.of(SamePathOverHttpTest.class.getResource("/jersey-webapp/WEB-INF/web.xml").toURI())
                .getParent().getParent();
        WebAppContext app = new WebAppContext(webapp.toString(), "/");
        app.setParentLoaderPriority(true);
        app.setAttribute(ApiKeyFilterConfig.STORE_ATTRIBUTE, STORE);
        app.getServletHandler().setDecodeAmbiguousURIs(true);
        app.setThrowUnavailableOnStartupException(true);
        SERVER.setHandler(app);
        SERVER.setStopTimeout(1_000);
        SERVER.start();
        port = connector.getLocalPort();
        KeyManager keys = KeyManager.builder(STORE).build();
        reader = keys.issue(KeyRequest.builder().owner("reader").scopes("billing:read").build()).key().reveal();
        admin = keys.issue(KeyRequest.builder().owner("admin").scopes("billing:admin", "billing:read").build())
                .key().reveal();
        adminOnly = keys.issue(KeyRequest.builder().owner("admin-only").scopes("billing:admin").build()).key().reveal();
    }

    @AfterAll
    static void stop() throws Exception {
        SERVER.stop();
    }

    /** Spellings Jersey routes to the summary resource method, each on GET and on HEAD. */
    static Stream<Arguments> summarySpellings() {
        return onGetAndHead("/billing/summary", "/billing/summary/", "/billing/summary.json");
    }

    /** Spellings of the two exact paths that a framework may route to their handler, or the rules read as them. */
    static Stream<Arguments> exactPathSpellings() {
        return onGetAndHead("/billing/summary", "/billing/summary/", "/billing/summary.json", "/billing/summary.json/",
                "/billing/summary.JSON", "/billing/summary.tar.gz", "/Billing/Summary/", "/BILLING/SUMMARY",
                "/who/admin/", "/who/admin.json", "/WHO/Admin/");
    }

    /** Spellings containers and frameworks read differently: the filter refuses them before any rule applies. */
    static Stream<Arguments> ambiguousSpellings() {
        return onGetAndHead("/billing/summary//", "/billing//summary", "//billing/summary", "/billing/summary;x=1",
                "/billing/summary/;x=1", "/billing;x=1/summary", "/billing/summary%2F", "/billing/summary/.",
                "/billing/summary/%2e", "/billing/summary%3Bx=1", "/who/admin//", "/who//admin", "/who/admin;a=b");
    }

    private static Stream<Arguments> onGetAndHead(String... paths) {
        return Stream.of("GET", "HEAD").flatMap(m -> Stream.of(paths).map(p -> Arguments.of(m, p)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("summarySpellings")
    void jerseyRoutesEachSpellingToTheSummaryHandlerAndTheAdminKeyGetsThrough(String method, String path) {
        Response r = send(method, path, admin);

        assertThat(r.status()).as("%s %s with the admin key", method, path).isEqualTo(200);
        assertThat(r.header(BillingResources.HANDLER)).as("handler of %s %s", method, path).isEqualTo("summary");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("exactPathSpellings")
    void readKeyIsRefusedOnEverySpellingOfAnAdminPath(String method, String path) {
        Response r = send(method, path, reader);

        assertThat(r.status()).as("%s %s with a billing:read key: %s", method, path, r.body()).isEqualTo(403);
        assertThat(r.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"").contains("billing:admin");
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        if (method.equals("GET")) {
            assertThat(r.body()).contains("/insufficient-scope\"").doesNotContain(reader);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("ambiguousSpellings")
    void ambiguousSpellingsAreRefusedWith400BeforeAnyRule(String method, String path) {
        Response r = send(method, path, admin);

        assertThat(r.status()).as("%s %s: %s", method, path, r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.header(BillingResources.HANDLER)).isNull();
        if (method.equals("GET")) {
            assertThat(r.body()).contains("/invalid-request\"");
        }
    }

    @Test
    void keyWithOnlyTheExactRulesScopeGetsThePlainSpellingAndOtherSpellingsAskForThePrefixRulesScopeToo() {
        for (String method : new String[] {"GET", "HEAD"}) {
            Response plain = send(method, "/billing/summary", adminOnly);
            assertThat(plain.status()).as("%s /billing/summary", method).isEqualTo(200);
            assertThat(plain.header(BillingResources.HANDLER)).isEqualTo("summary");
            for (String path : new String[] {"/billing/summary/", "/billing/summary.json"}) {
                Response r = send(method, path, adminOnly);
                assertThat(r.status()).as("%s %s", method, path).isEqualTo(403);
                assertThat(r.header("WWW-Authenticate")).contains("scope=\"billing:read billing:admin\"");
            }
        }
    }

    @Test
    void headNeedsTheGetRulesScopesBecauseJerseyAnswersItWithTheGetMethod() {
        // web.xml: GET /billing/export billing:admin, HEAD /billing/export (any valid key).
        Response admins = send("HEAD", "/billing/export", admin);
        assertThat(admins.status()).isEqualTo(200);
        assertThat(admins.header(BillingResources.HANDLER)).as("Jersey ran the GET method").isEqualTo("export");

        for (String path : new String[] {"/billing/export", "/billing/export/"}) {
            Response r = send("HEAD", path, reader);
            assertThat(r.status()).as("HEAD %s with a billing:read key", path).isEqualTo(403);
            assertThat(r.header("WWW-Authenticate")).contains("billing:admin");
            assertThat(r.header(BillingResources.HANDLER)).isNull();
        }
    }

    @Test
    void readKeyStillReachesThePrefixRulesOtherPathsWithOrWithoutTrailingSlash() {
        for (String method : new String[] {"GET", "HEAD"}) {
            for (String path : new String[] {"/billing/invoices", "/billing/invoices/", "/billing/invoices.json"}) {
                Response r = send(method, path, reader);
                assertThat(r.status()).as("%s %s", method, path).isEqualTo(200);
                assertThat(r.header(BillingResources.HANDLER)).as("%s %s", method, path).isEqualTo("invoices");
            }
            assertThat(send(method, "/who/else/", reader).status()).as("%s /who/else/", method).isEqualTo(200);
        }
    }

    /** A response: status, headers by lower-case name (first value), body. */
    private record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * Writes the request line byte for byte (no client normalises the path) on a connection of its own, and reads
     * to the end: a HEAD answer announces a body length but carries no body.
     */
    private static Response send(String method, String rawPath, String key) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            String request = method + " " + rawPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "X-API-Key: " + key + "\r\n\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int end = all.indexOf("\r\n\r\n");
            String[] lines = all.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, all.substring(end + 4));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
