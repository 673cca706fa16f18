package dev.apikey.jaxrs;

import dev.apikey.MutableClock;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.Environment;
import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.RateLimit;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.apikey.jaxrs.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** One case per line of the DESIGN.md response table, over HTTP against a real Jersey app. */
class ResponseContractTest {
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private static final SwitchableStore STORE = new SwitchableStore();
    private static final KeyManager MANAGER = KeyManager.builder(STORE).clock(CLOCK).build();
    private static ApiKeyVerifier verifier;
    private static ApiKeyVerifier throttlingVerifier;
    private static ApiKeyVerifier noCacheVerifier;
    private static JerseyServer server;

    @BeforeAll
    static void start() {
        verifier = ApiKeyVerifier.builder(STORE).from(MANAGER)
                .environments(Environment.LIVE)
                .auditSink(event -> { })
                .clientThrottle(ClientThrottle.disabled())
                .build();
        throttlingVerifier = ApiKeyVerifier.builder(STORE).from(MANAGER)
                .auditSink(event -> { })
                .clientThrottle(new ClientThrottle(true, RateLimit.parse("3/1h"), 100, List.of()))
                .build();
        noCacheVerifier = ApiKeyVerifier.builder(STORE).from(MANAGER).auditSink(event -> { })
                .privateCacheControl(false).varyOnKeyHeader(false).build();
        server = JerseyServer.start(Map.of(
                "/nocache", new ResourceConfig(TestResources.Api.class).register(new ApiKeyFeature(noCacheVerifier)),
                "", new ResourceConfig(TestResources.Api.class, TestResources.Cached.class).register(new ApiKeyFeature(verifier)),
                "/throttled", new ResourceConfig(TestResources.Api.class)
                        .register(new ApiKeyFeature(throttlingVerifier).withAdmin(MANAGER))));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        verifier.close();
        throttlingVerifier.close();
        noCacheVerifier.close();
    }

    private static IssuedKey issue(KeyRequest.Builder request) {
        return MANAGER.issue(request.build());
    }

    private static String key(String... scopes) {
        return issue(KeyRequest.builder().owner("contract-test").scopes(scopes)).key().reveal();
    }

    @Test
    void keyWithTheRequiredScopeIsAllowed() {
        HttpResponse<String> r = server.get("/api/invoices", "X-API-Key", key("billing:read"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JerseyServer.json(r).has("invoices")).isTrue();
    }

    @Test
    void requestWithoutCredentialGets401MissingKeyWithChallenge() {
        HttpResponse<String> r = server.get("/api/invoices");

        assertProblem(r, 401, "missing-key");
        assertThat(r.headers().allValues("WWW-Authenticate")).containsExactly("ApiKey realm=\"api\"");
    }

    enum InvalidKey { MALFORMED, UNKNOWN, REVOKED, SUSPENDED, EXPIRED, WRONG_ENVIRONMENT }

    @ParameterizedTest
    @EnumSource(InvalidKey.class)
    void invalidKeyGets401InvalidKeyWithErrorChallenge(InvalidKey kind) {
        String key = switch (kind) {
            case MALFORMED -> "ak_live_not-a-key";
            case UNKNOWN -> dev.apikey.KeyFormat.ofDefaults().generate(Environment.LIVE).reveal();
            case REVOKED -> {
                IssuedKey k = issue(KeyRequest.builder().owner("o").scopes("billing:read"));
                MANAGER.revoke(k.record().id());
                yield k.key().reveal();
            }
            case SUSPENDED -> {
                IssuedKey k = issue(KeyRequest.builder().owner("o").scopes("billing:read"));
                MANAGER.suspend(k.record().id());
                yield k.key().reveal();
            }
            case EXPIRED -> {
                IssuedKey k = issue(KeyRequest.builder().owner("o").scopes("billing:read")
                        .expiresAt(CLOCK.instant().plusSeconds(60)));
                CLOCK.advance(Duration.ofMinutes(2));
                yield k.key().reveal();
            }
            case WRONG_ENVIRONMENT -> issue(KeyRequest.builder().owner("o").scopes("billing:read")
                    .environment(Environment.TEST)).key().reveal();
        };

        HttpResponse<String> r = server.get("/api/invoices", "Authorization", "Bearer " + key);

        assertProblem(r, 401, "invalid-key", key);
        assertThat(r.headers().allValues("WWW-Authenticate"))
                .containsExactly("ApiKey realm=\"api\", error=\"invalid_key\"");
    }

    @Test
    void twoDifferentCredentialsGet400InvalidRequest() {
        String first = key("billing:read");
        String second = key("billing:read");

        HttpResponse<String> r = server.get("/api/invoices", "X-API-Key", first, "Authorization", "ApiKey " + second);

        assertProblem(r, 400, "invalid-request", first, second);
        assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void keyWithoutTheScopeGets403InsufficientScopeNamingTheScope() {
        String key = key("reports:read");

        HttpResponse<String> r = server.post("/api/invoices", null, "X-API-Key", key);

        assertProblem(r, 403, "insufficient-scope", key);
        assertThat(r.headers().allValues("WWW-Authenticate")).containsExactly(
                "ApiKey realm=\"api\", error=\"insufficient_scope\", scope=\"billing:write\"");
    }

    @Test
    void keyUsedFromAnAddressOutsideItsAllowlistGets403Forbidden() {
        String key = issue(KeyRequest.builder().owner("o").scopes("billing:read").allowedCidrs("10.0.0.0/8"))
                .key().reveal();

        HttpResponse<String> r = server.get("/api/invoices", "X-API-Key", key);

        assertProblem(r, 403, "forbidden", key);
        assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void keyUsedFromAnAddressInsideItsAllowlistIsAllowed() {
        String key = issue(KeyRequest.builder().owner("o").scopes("billing:read").allowedCidrs("127.0.0.0/8"))
                .key().reveal();

        assertThat(server.get("/api/invoices", "X-API-Key", key).statusCode()).isEqualTo(200);
    }

    @Test
    void exhaustedRateLimitGets429WithRetryAfterAndRateLimitHeaders() {
        String key = issue(KeyRequest.builder().owner("o").scopes("billing:read").rateLimit("2/1m")).key().reveal();

        HttpResponse<String> first = server.get("/api/invoices", "X-API-Key", key);
        HttpResponse<String> second = server.get("/api/invoices", "X-API-Key", key);
        HttpResponse<String> third = server.get("/api/invoices", "X-API-Key", key);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().allValues("RateLimit-Policy")).containsExactly("\"2-per-1m\";q=2;w=60");
        assertThat(first.headers().allValues("RateLimit")).singleElement().asString().startsWith("\"2-per-1m\";r=1;t=");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().allValues("RateLimit")).singleElement().asString().startsWith("\"2-per-1m\";r=0;t=");
        assertProblem(third, 429, "rate-limited", key);
        assertThat(Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow())).isGreaterThanOrEqualTo(1);
        assertThat(third.headers().allValues("RateLimit-Policy")).containsExactly("\"2-per-1m\";q=2;w=60");
        assertThat(third.headers().firstValue("RateLimit")).isPresent();
    }

    @Test
    void exhaustedQuotaGets429QuotaExceededWithRetryAfter() {
        String key = issue(KeyRequest.builder().owner("o").scopes("billing:read").quota("1/day")).key().reveal();

        assertThat(server.get("/api/invoices", "X-API-Key", key).statusCode()).isEqualTo(200);
        HttpResponse<String> r = server.get("/api/invoices", "X-API-Key", key);

        assertProblem(r, 429, "quota-exceeded", key);
        assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aClientPastTheFailureThresholdGets429ForFailingAttemptsOnlyWhileItsValidKeysPass() {
        // Issue 26, item 3: 21 malformed keys used to lock every key of the address out, admin keys included.
        String reader = key("billing:read");
        String admin = key("apikeys:admin");
        for (int i = 0; i < 21; i++) {
            int status = server.get("/throttled/api/invoices", "X-API-Key", "ak_live_malformed" + i).statusCode();
            assertThat(status).as("malformed key %d", i).isEqualTo(i < 3 ? 401 : 429);
        }

        HttpResponse<String> ok = server.get("/throttled/api/invoices", "X-API-Key", reader);
        assertThat(ok.statusCode()).as("valid key of a throttled client: %s", ok.body()).isEqualTo(200);
        HttpResponse<String> adminApi = server.get("/throttled/admin/keys", "X-API-Key", admin);
        assertThat(adminApi.statusCode()).as("admin key of a throttled client: %s", adminApi.body()).isEqualTo(200);

        String unknown = dev.apikey.KeyFormat.ofDefaults().generate(Environment.LIVE).reveal();
        HttpResponse<String> r = server.get("/throttled/api/invoices", "X-API-Key", unknown);
        assertProblem(r, 429, "too-many-failures", unknown);
        assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())).isGreaterThanOrEqualTo(1);
        assertProblem(server.get("/throttled/admin/keys", "X-API-Key", "ak_live_malformed"), 429, "too-many-failures");
    }

    @Test
    void unreachableStoreGets503UnavailableAndNeverLetsTheRequestThrough() {
        String key = key("billing:read");
        STORE.down(true);
        try {
            HttpResponse<String> r = server.get("/api/invoices", "X-API-Key", key);

            JsonAssert.noStoreDetails(assertProblem(r, 503, "unavailable", key));
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        } finally {
            STORE.down(false);
        }
    }

    @Test
    void allowedResponseIsPrivateNoStoreAndVariesOnTheKeyHeader() {
        // Issue 26, item 6: RFC 9111 keeps shared caches from reusing answers to Authorization only, not X-API-Key.
        HttpResponse<String> r = server.get("/api/invoices", "X-API-Key", key("billing:read"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().allValues("Cache-Control")).containsExactly("private, no-store");
        assertThat(r.headers().allValues("Vary")).containsExactly("X-API-Key");
    }

    @Test
    void theResourcesOwnCacheControlIsKeptAndItsVaryExtended() {
        HttpResponse<String> r = server.get("/cached", "X-API-Key", key("billing:read"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().allValues("Cache-Control")).containsExactly("no-transform, max-age=60");
        assertThat(String.join(",", r.headers().allValues("Vary")).replace(" ", ""))
                .isEqualToIgnoringCase("Accept-Encoding,X-API-Key");
    }

    @Test
    void theCacheHeadersCanBeTurnedOffOnTheVerifier() {
        HttpResponse<String> r = server.get("/nocache/api/invoices", "X-API-Key", key("billing:read"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().allValues("Cache-Control")).isEmpty();
        assertThat(r.headers().allValues("Vary")).isEmpty();
        // Rejections keep their no-store: it is part of every rejection, not of this option.
        assertProblem(server.get("/nocache/api/invoices", "X-API-Key", "ak_live_nope"), 401, "invalid-key");
    }

    @Test
    void publicMethodNeedsNoKeyAndCarriesNoRateLimitHeaders() {
        HttpResponse<String> r = server.get("/api/health");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("RateLimit")).isEmpty();
    }

    /** Helpers for bodies. */
    static final class JsonAssert {
        static void noStoreDetails(com.fasterxml.jackson.databind.JsonNode body) {
            assertThat(body.toString()).doesNotContain("10.0.0.7").doesNotContain("Exception");
        }
    }
}
