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
    void aClientPastTheFailureThresholdGets429ForFailingAttemptsOnlyWhileItsValidKeysPass() {
        // Issue 26, item 3: 21 malformed keys used to lock every key of the address out, admin keys included.
        String reader = server.keyWith("billing:read");
        String admin = server.keyWith("apikeys:admin");
        for (int i = 0; i < 21; i++) {
            int status = server.get("/throttled/x", "X-API-Key", "ak_live_malformed" + i).status();
            assertThat(status).as("malformed key %d", i).isEqualTo(i < 2 ? 401 : 429);
        }

        TestServer.Response ok = server.get("/throttled/x", "X-API-Key", reader);
        assertThat(ok.status()).as("valid key of a throttled client: %s", ok.body()).isEqualTo(200);
        assertThat(ok.echo()).containsEntry("owner", "team-a");
        assertThat(server.get("/throttled/x", "X-API-Key", admin).status()).as("admin key").isEqualTo(200);

        String unknown = unknownKey();
        TestServer.Response r = server.get("/throttled/x", "X-API-Key", unknown);
        assertRejection(r, 429, "too-many-failures", unknown);
        assertThat(Long.parseLong(r.header("Retry-After"))).isGreaterThanOrEqualTo(1);
        assertRejection(server.get("/throttled/x", "X-API-Key", "ak_live_malformed"), 429, "too-many-failures", null);
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
    }

    @Test
    void allowedResponseIsPrivateNoStoreAndVariesOnTheKeyHeader() {
        // Issue 26, item 6: RFC 9111 keeps shared caches from reusing answers to Authorization only, not X-API-Key.
        String key = server.keyWith("billing:read");

        TestServer.Response r = server.get("/billing/invoices", "X-API-Key", key);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers("Cache-Control")).containsExactly("private, no-store");
        assertThat(r.headers("Vary")).containsExactly("X-API-Key");
    }

    @Test
    void theApplicationsOwnCacheControlIsKeptAndItsVaryExtended() {
        String key = server.keyWith("billing:read");

        TestServer.Response set = server.get("/billing/invoices?cc=max-age%3D60&vary=Accept-Encoding", "X-API-Key", key);
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.headers("Cache-Control")).containsExactly("max-age=60");
        assertThat(String.join(",", set.headers("Vary")).replace(" ", "")).isEqualToIgnoringCase("Accept-Encoding,X-API-Key");

        TestServer.Response added = server.get("/billing/invoices?cc-add=public%2C%20max-age%3D5", "X-API-Key", key);
        assertThat(added.headers("Cache-Control")).containsExactly("public, max-age=5");

        // Committed before the application returns: the headers were there before the first byte went out.
        TestServer.Response big = server.get("/billing/invoices?big", "X-API-Key", key);
        assertThat(big.status()).isEqualTo(200);
        assertThat(big.headers("Cache-Control")).containsExactly("private, no-store");
        assertThat(big.headers("Vary")).containsExactly("X-API-Key");

        // reset() clears every header, the application's and ours: ours come back.
        TestServer.Response reset = server.get("/billing/invoices?reset", "X-API-Key", key);
        assertThat(reset.status()).isEqualTo(200);
        assertThat(reset.headers("Cache-Control")).containsExactly("private, no-store");
        assertThat(reset.headers("Vary")).containsExactly("X-API-Key");
    }

    @Test
    void theCacheHeadersCanBeTurnedOffByInitParams() {
        String key = server.keyWith("billing:read");

        TestServer.Response r = server.get("/nocache/x", "X-API-Key", key);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers("Cache-Control")).isEmpty();
        assertThat(r.headers("Vary")).isEmpty();
        // Rejections keep their no-store: it is part of every rejection, not of this option.
        assertRejection(server.get("/nocache/x", "X-API-Key", unknownKey()), 401, "invalid-key", null);
    }
}
