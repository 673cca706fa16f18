package dev.apikey.servlet;

import dev.apikey.Environment;
import dev.apikey.IssuedKey;
import dev.apikey.KeyFormat;
import dev.apikey.KeyRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** One case per line of the DESIGN.md response table, over HTTP against the web.xml application. */
class ApiKeyFilterResponsesTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Checks a rejection as the table defines it and returns its problem body. */
    static Map<String, Object> assertRejection(TestServer.Response r, int status, String slug, String key) {
        assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        Map<String, Object> p = r.problem();
        assertThat((String) p.get("type")).endsWith("/" + slug);
        assertThat(p.get("status")).isEqualTo(status);
        assertThat(p.get("title")).isNotNull();
        assertThat(p.get("detail")).isNotNull();
        if (key != null) {
            assertThat(r.body()).doesNotContain(key);
            assertThat(r.headers().toString()).doesNotContain(key);
        }
        return p;
    }

    private static String unknownKey() {
        return KeyFormat.ofDefaults().generate(Environment.LIVE).reveal();
    }

    @Test
    void requestWithoutKeyGets401WithChallenge() {
        TestServer.Response r = server.get("/billing/invoices");

        assertRejection(r, 401, "missing-key", null);
        assertThat(r.header("WWW-Authenticate")).isEqualTo("ApiKey realm=\"billing-api\"");
    }

    @Test
    void unknownKeyGets401InvalidKey() {
        String key = unknownKey();

        TestServer.Response r = server.get("/billing/invoices", "X-API-Key", key);

        assertRejection(r, 401, "invalid-key", key);
        assertThat(r.header("WWW-Authenticate")).isEqualTo("ApiKey realm=\"billing-api\", error=\"invalid_key\"");
    }

    @Test
    void malformedRevokedAndWrongEnvironmentKeysGetTheSameAnswerAsAnUnknownKey() {
        String unknown = unknownKey();
        IssuedKey issued = server.keys.issue(KeyRequest.builder().owner("team-a").scopes("billing:read").build());
        String revoked = issued.key().reveal();
        server.keys.revoke(issued.record().id());
        String testKey = server.issue(KeyRequest.builder().owner("team-a").scopes("billing:read").environment(Environment.TEST));

        TestServer.Response expected = server.get("/billing/invoices", "X-API-Key", unknown);
        for (String key : new String[] {"ak_live_tooShort", revoked, testKey}) {
            TestServer.Response r = server.get("/billing/invoices", "X-API-Key", key);
            assertRejection(r, 401, "invalid-key", key);
            assertThat(r.body()).isEqualTo(expected.body());
            assertThat(r.header("WWW-Authenticate")).isEqualTo(expected.header("WWW-Authenticate"));
        }
    }

    @Test
    void twoDifferentKeysGet400() {
        String a = server.keyWith("billing:read");
        String b = server.keyWith("billing:read");

        TestServer.Response r = server.get("/billing/invoices", "X-API-Key", a, "Authorization", "Bearer " + b);

        assertRejection(r, 400, "invalid-request", a);
        assertThat(r.body()).doesNotContain(b);
    }

    @Test
    void keyWithControlCharacterGets400() {
        String key = server.keyWith("billing:read");
        String withControl = key.substring(0, 10) + '\u0085' + key.substring(10);

        TestServer.Response r = server.raw("GET", "/billing/invoices", "X-API-Key: " + withControl);

        assertRejection(r, 400, "invalid-request", key);
    }

    @Test
    void keyWithoutRequiredScopeGets403NamingTheScope() {
        String key = server.keyWith("reports:read");

        TestServer.Response r = server.get("/billing/invoices", "X-API-Key", key);

        assertRejection(r, 403, "insufficient-scope", key);
        assertThat(r.header("WWW-Authenticate"))
                .isEqualTo("ApiKey realm=\"billing-api\", error=\"insufficient_scope\", scope=\"billing:read\"");
    }

    @Test
    void keyUsedFromAddressOutsideItsNetworksGets403() {
        String key = server.issue(KeyRequest.builder().owner("team-a").scopes("billing:read").allowedCidrs("10.0.0.0/8"));

        TestServer.Response r = server.get("/billing/invoices", "X-API-Key", key);

        assertRejection(r, 403, "forbidden", key);
    }

    @Test
    void forwardedForFromAnUntrustedPeerIsIgnored() {
        String key = server.issue(KeyRequest.builder().owner("team-a").scopes("billing:read").allowedCidrs("10.0.0.0/8"));

        TestServer.Response r = server.get("/billing/invoices", "X-API-Key", key, "X-Forwarded-For", "10.1.2.3");

        assertRejection(r, 403, "forbidden", key);
    }

    @Test
    void exhaustedRateLimitGets429WithRetryAfterAndRateLimitHeaders() {
        String key = server.issue(KeyRequest.builder().owner("team-a").scopes("billing:read").rateLimit("1/1h"));

        TestServer.Response first = server.get("/billing/invoices", "X-API-Key", key);
        TestServer.Response second = server.get("/billing/invoices", "X-API-Key", key);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("RateLimit-Policy")).isEqualTo("\"1-per-1h\";q=1;w=3600");
        assertRejection(second, 429, "rate-limited", key);
        assertThat(Long.parseLong(second.header("Retry-After"))).isGreaterThanOrEqualTo(1);
        assertThat(second.header("RateLimit-Policy")).isEqualTo("\"1-per-1h\";q=1;w=3600");
        assertThat(second.header("RateLimit")).startsWith("\"1-per-1h\";r=0;t=");
    }

    @Test
    void usedUpCreditsGet429QuotaExceeded() {
        String key = server.issue(KeyRequest.builder().owner("team-a").scopes("billing:read").credits(1));

        assertThat(server.get("/billing/invoices", "X-API-Key", key).status()).isEqualTo(200);
        TestServer.Response r = server.get("/billing/invoices", "X-API-Key", key);

        assertRejection(r, 429, "quota-exceeded", key);
        assertThat(Long.parseLong(r.header("Retry-After"))).isGreaterThanOrEqualTo(1);
    }

    @Test
    void clientWithTooManyFailuresGets429WithoutLookup() {
        String key = unknownKey();
        assertRejection(server.get("/throttled/x", "X-API-Key", unknownKey()), 401, "invalid-key", null);
        assertRejection(server.get("/throttled/x", "X-API-Key", unknownKey()), 401, "invalid-key", null);

        TestServer.Response r = server.get("/throttled/x", "X-API-Key", key);

        assertRejection(r, 429, "too-many-failures", key);
        assertThat(Long.parseLong(r.header("Retry-After"))).isGreaterThanOrEqualTo(1);
    }

    @Test
    void unreachableStoreGets503AndNeverPassesTheRequest() {
        String key = unknownKey();

        TestServer.Response r = server.get("/down/anything", "X-API-Key", key);

        assertRejection(r, 503, "unavailable", key);
        assertThat(r.header("Retry-After")).isEqualTo("1");
        assertThat(r.body()).doesNotContain("db.internal").doesNotContain("Exception");
    }

    @Test
    void allowedRequestCarriesRateLimitHeadersOfTheDefaultPolicy() {
        String key = server.keyWith("billing:read");

        TestServer.Response r = server.get("/billing/invoices", "X-API-Key", key);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("RateLimit-Policy")).isEqualTo("\"1000-per-1m\";q=1000;w=60");
        assertThat(r.header("RateLimit")).startsWith("\"1000-per-1m\";r=999;t=");
        assertThat(r.header("Cache-Control")).isNull();
    }
}
