package dev.apikey.servlet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static dev.apikey.servlet.ApiKeyFilterResponsesTest.assertRejection;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scope rules and public paths of the web.xml application, bypass attempts through the raw URI, what the
 * application behind the filter sees, and the order of filters.
 */
class ApiKeyFilterRulesTest {
    private static TestServer server;
    private static String reader;
    private static String writer;
    private static String reports;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
        reader = server.keyWith("billing:read");
        writer = server.keyWith("billing:write");
        reports = server.keyWith("reports:read");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String scopeIn(TestServer.Response r) {
        String h = r.header("WWW-Authenticate");
        return h.substring(h.indexOf("scope=\"") + 7, h.length() - 1);
    }

    @Test
    void getRuleAdmitsKeyWithItsScopeAndPostNeedsTheWriteScope() {
        assertThat(server.get("/billing/invoices", "X-API-Key", reader).status()).isEqualTo(200);
        TestServer.Response post = server.send("POST", "/billing/invoices", "X-API-Key", reader);
        assertRejection(post, 403, "insufficient-scope", reader);
        assertThat(scopeIn(post)).isEqualTo("billing:write");
        assertThat(server.send("PUT", "/billing/invoices/7", "X-API-Key", writer).status()).isEqualTo(200);
    }

    @Test
    void prefixPatternAlsoMatchesItsBarePath() {
        assertRejection(server.get("/billing", "X-API-Key", reports), 403, "insufficient-scope", reports);
        assertThat(server.get("/billing", "X-API-Key", reader).status()).isEqualTo(200);
    }

    @Test
    void headIsCoveredByTheGetRule() {
        TestServer.Response denied = server.send("HEAD", "/billing/invoices", "X-API-Key", reports);
        TestServer.Response allowed = server.send("HEAD", "/billing/invoices", "X-API-Key", reader);

        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.header("WWW-Authenticate")).contains("scope=\"billing:read\"");
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.header("X-Principal")).startsWith("key_");
    }

    @Test
    void methodWithoutRuleNeedsEveryScopeOfThePath() {
        TestServer.Response delete = server.send("DELETE", "/billing/invoices/7", "X-API-Key", writer);

        assertRejection(delete, 403, "insufficient-scope", writer);
        assertThat(scopeIn(delete)).isEqualTo("billing:read billing:write");
        assertThat(server.send("DELETE", "/billing/invoices/7", "X-API-Key", server.keyWith("billing:*")).status())
                .isEqualTo(200);
        assertRejection(server.send("DELETE", "/billing/invoices/7"), 401, "missing-key", null);
    }

    @Test
    void optionsIsPublicWhereDeclaredAndOtherwiseNeedsTheStrictestScope() {
        assertThat(server.send("OPTIONS", "/billing/invoices").status()).isEqualTo(200);
        assertRejection(server.send("OPTIONS", "/reports/usage"), 401, "missing-key", null);
        TestServer.Response audit = server.send("OPTIONS", "/audit/log", "X-API-Key", reader);
        assertRejection(audit, 403, "insufficient-scope", reader);
        assertThat(scopeIn(audit)).isEqualTo("audit:read billing:read");
    }

    @Test
    void moreSpecificPatternWinsOverTheBroaderOne() {
        String admin = server.keyWith("billing:admin");

        TestServer.Response r = server.get("/billing/admin/users", "X-API-Key", reader);

        assertRejection(r, 403, "insufficient-scope", reader);
        assertThat(scopeIn(r)).isEqualTo("billing:admin");
        assertThat(server.get("/billing/admin/users", "X-API-Key", admin).status()).isEqualTo(200);
        assertThat(server.send("POST", "/billing/admin/users", "X-API-Key", writer).status()).isEqualTo(200);
    }

    @Test
    void anyOfRuleAdmitsEitherScope() {
        assertThat(server.get("/reports/usage", "X-API-Key", reports).status()).isEqualTo(200);
        assertThat(server.get("/reports/usage", "X-API-Key", server.keyWith("billing:admin")).status()).isEqualTo(200);
        TestServer.Response r = server.get("/reports/usage", "X-API-Key", reader);
        assertRejection(r, 403, "insufficient-scope", reader);
        assertThat(scopeIn(r)).isEqualTo("reports:read billing:admin");
    }

    @Test
    void allOfRuleNeedsEveryScope() {
        assertRejection(server.get("/audit/log", "X-API-Key", reader), 403, "insufficient-scope", reader);
        assertThat(server.get("/audit/log", "X-API-Key", server.keyWith("billing:read", "audit:read")).status())
                .isEqualTo(200);
    }

    @Test
    void wildcardGrantSatisfiesRulesAndRoles() {
        String all = server.keyWith("billing:*");

        TestServer.Response r = server.get("/billing/invoices?role=billing:write&role=reports:read", "X-API-Key", all);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.echo()).containsEntry("role.billing:write", "true").containsEntry("role.reports:read", "false");
    }

    @Test
    void publicPathsNeedNoKeyOnlyForTheirMethodsAndExactSpelling() {
        assertThat(server.get("/health").echo()).containsEntry("principal", "-");
        assertThat(server.get("/docs/guide").status()).isEqualTo(200);
        assertThat(server.send("HEAD", "/docs/guide").status()).isEqualTo(200);
        assertRejection(server.send("POST", "/docs/guide"), 401, "missing-key", null);
        assertRejection(server.get("/health/details"), 401, "missing-key", null);
        assertRejection(server.get("/HEALTH"), 401, "missing-key", null);
    }

    @Test
    void pathWithoutRuleNeedsAnyValidKey() {
        assertRejection(server.get("/elsewhere"), 401, "missing-key", null);
        assertThat(server.get("/elsewhere", "X-API-Key", server.keyWith()).status()).isEqualTo(200);
        assertThat(server.get("/me", "X-API-Key", reports).status()).isEqualTo(200);
    }

    @Test
    void differentCaseIsMatchedByTheSameRule() {
        for (String path : new String[] {"/BILLING/invoices", "/Billing/Invoices", "/bIlLiNg"}) {
            TestServer.Response r = server.get(path, "X-API-Key", reports);
            assertRejection(r, 403, "insufficient-scope", reports);
            assertThat(scopeIn(r)).isEqualTo("billing:read");
        }
    }

    @Test
    void percentEncodedLettersAreMatchedAfterDecoding() {
        TestServer.Response r = server.raw("GET", "/%62illing/%69nvoices", "X-API-Key: " + reports);

        assertRejection(r, 403, "insufficient-scope", reports);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/billing%2Finvoices",
            "/billing%2finvoices",
            "/docs/..%2Fbilling/invoices",
            "/docs/%2E%2E/billing/invoices",
            "/docs/%2e%2e/billing/invoices",
            "/docs/../billing/invoices",
            "/health/./../billing/invoices",
            "/docs/guide/..",
            "/health;x=1/../billing/invoices",
            "/billing;jsessionid=1/invoices",
            "/docs;/guide",
            "/docs%3B/guide",
            "//billing/invoices",
            "/billing//invoices",
            "/docs/%252e%252e/billing",
            "/billing%5Cinvoices",
            "/docs/%01/x",
            // Only the decoded path shows this control (the raw URI's "%7F" is no encoding the raw scan refuses):
            // the path is then no tail of the raw URI, and gets a scan of its own.
            "/docs/%7F/x",
    })
    void ambiguousRawPathIsRejectedWith400BeforeAnyRuleApplies(String rawPath) {
        TestServer.Response r = server.raw("GET", rawPath, "X-API-Key: " + reports);

        assertRejection(r, 400, "invalid-request", reports);
        assertThat(r.body()).doesNotContain("<");
    }

    @Test
    void onlyAPathThatIsTheRawUrisSegmentAlignedTailSkipsItsOwnScan() {
        assertThat(ApiKeyFilter.isTail("/bench/hello", "/bench/hello")).isTrue();
        assertThat(ApiKeyFilter.isTail("/hello", "/app/hello")).isTrue();
        assertThat(ApiKeyFilter.isTail("/docs/\u007f/x", "/docs/%7F/x")).isFalse();
        assertThat(ApiKeyFilter.isTail("/", "/app")).isFalse();
        assertThat(ApiKeyFilter.isTail("./x", "/a/./x")).isFalse();
        assertThat(ApiKeyFilter.isTail("/x", null)).isFalse();
    }

    @Test
    void encodedNulInPathNeverReachesTheApplication() {
        // Jetty itself refuses %00, even with the lenient URI compliance of this test server.
        TestServer.Response r = server.raw("GET", "/docs/%00/x", "X-API-Key: " + reports);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).doesNotContain("principal=");
    }

    @Test
    void downstreamServletReadsOwnerTenantAndLabelsOfTheKey() {
        String key = server.issue(dev.apikey.KeyRequest.builder().owner("acme").tenant("eu-1")
                .scopes("billing:read").label("plan", "gold").label("customer", "C-42"));

        Map<String, String> seen = server.get("/billing/invoices", "X-API-Key", key).echo();

        assertThat(seen).containsEntry("owner", "acme").containsEntry("tenant", "eu-1")
                .containsEntry("label.plan", "gold").containsEntry("label.customer", "C-42");
        assertThat(server.get("/health").echo()).doesNotContainKeys("owner", "tenant", "label.plan");
    }

    @Test
    void downstreamServletSeesThePrincipalAndScopeRoles() {
        TestServer.Response r = server.get("/billing/invoices?role=billing:read&role=billing:write&role=not-a-scope",
                "X-API-Key", reader);

        Map<String, String> seen = r.echo();
        assertThat(seen.get("principal")).startsWith("key_");
        assertThat(seen).containsEntry("owner", "team-a")
                .containsEntry("authType", "APIKEY")
                .containsEntry("remoteUser", seen.get("principal"))
                .containsEntry("attribute", seen.get("principal"))
                .containsEntry("role.billing:read", "true")
                .containsEntry("role.billing:write", "false")
                .containsEntry("role.not-a-scope", "false");
        assertThat(r.body()).doesNotContain(reader);
    }

    @Test
    void credentialHeadersAreHiddenFromTheApplication() {
        assertThat(server.get("/billing/invoices", "X-API-Key", reader).echo()).containsEntry("keyHeader", "absent");
        assertThat(server.get("/billing/invoices", "Authorization", "Bearer " + reader).echo())
                .containsEntry("authorization", "absent");
        assertThat(server.get("/billing/invoices", "x-api-key", reader, "Authorization", "Basic dXNlcjpwYXNz").echo())
                .containsEntry("keyHeader", "absent").containsEntry("authorization", "present");
    }

    @Test
    void keyInTheConfiguredQueryParameterIsAccepted() {
        assertThat(server.get("/billing/invoices?api_key=" + reader).echo().get("principal")).startsWith("key_");
    }

    @Test
    void filtersDeclaredAroundRunInWebXmlOrder() {
        TestServer.Response allowed = server.get("/billing/invoices", "X-API-Key", reader);
        TestServer.Response rejected = server.get("/billing/invoices");

        assertThat(allowed.headers("X-Trace")).hasSize(2);
        assertThat(allowed.headers("X-Trace").get(0)).isEqualTo("before:anonymous");
        assertThat(allowed.headers("X-Trace").get(1)).isEqualTo("after:" + allowed.header("X-Principal"));
        assertThat(rejected.headers("X-Trace")).containsExactly("before:anonymous");
    }
}
