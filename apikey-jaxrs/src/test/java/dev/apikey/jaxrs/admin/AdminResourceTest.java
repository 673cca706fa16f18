package dev.apikey.jaxrs.admin;

import dev.apikey.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.InMemoryKeyStore;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.jaxrs.ApiKeyFeature;
import dev.apikey.jaxrs.JerseyServer;
import dev.apikey.jaxrs.Problems;
import dev.apikey.jaxrs.TestResources;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin API end to end over HTTP, with a fake clock shared by the key manager and the verifier. */
class AdminResourceTest {
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private static final InMemoryKeyStore STORE = new InMemoryKeyStore();
    private static final KeyManager MANAGER = KeyManager.builder(STORE).clock(CLOCK).build();
    private static ApiKeyVerifier verifier;
    private static JerseyServer server;
    private static String admin;

    @BeforeAll
    static void start() {
        verifier = ApiKeyVerifier.builder(STORE).from(MANAGER).auditSink(event -> { }).build();
        server = JerseyServer.start(new ResourceConfig(TestResources.Api.class)
                .register(new ApiKeyFeature(verifier).withAdmin(MANAGER)));
        admin = MANAGER.issue(KeyRequest.builder().owner("ops").scopes(AdminResource.SCOPE).build()).key().reveal();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        verifier.close();
    }

    private static HttpResponse<String> post(String path, String json) {
        return server.post(path, json, "X-API-Key", admin);
    }

    private static HttpResponse<String> get(String path) {
        return server.get(path, "X-API-Key", admin);
    }

    private static JsonNode create(String json) {
        HttpResponse<String> r = post("/admin/keys", json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JerseyServer.json(r);
    }

    private static int use(String key) {
        return server.get("/api/invoices", "X-API-Key", key).statusCode();
    }

    @Test
    void createdKeyWorksRotationKeepsBothKeysForTheGracePeriodAndRevocationEndsIt() {
        HttpResponse<String> created = post("/admin/keys",
                "{\"owner\":\"billing-app\",\"scopes\":[\"billing:read\"],\"rateLimit\":\"100/1s\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode first = JerseyServer.json(created);
        String oldId = first.path("id").asText();
        String oldKey = first.path("key").asText();
        assertThat(created.headers().firstValue("Location").orElseThrow()).endsWith("/admin/keys/" + oldId);
        assertThat(oldKey).matches("ak_live_[0-9A-Za-z]{38}");
        assertThat(first.path("owner").asText()).isEqualTo("billing-app");
        assertThat(first.path("status").asText()).isEqualTo("active");
        assertThat(first.path("rateLimit").asText()).isEqualTo("100/1s");
        assertThat(first.has("digest")).isFalse();
        assertThat(use(oldKey)).isEqualTo(200);

        HttpResponse<String> rotated = post("/admin/keys/" + oldId + "/rotate", "{\"gracePeriod\":\"PT1H\"}");
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
        JsonNode second = JerseyServer.json(rotated);
        String newId = second.path("id").asText();
        String newKey = second.path("key").asText();
        assertThat(newKey).isNotEqualTo(oldKey);
        assertThat(second.path("replaces").asText()).isEqualTo(oldId);
        assertThat(second.path("scopes").get(0).asText()).isEqualTo("billing:read");
        assertThat(use(oldKey)).as("old key in grace").isEqualTo(200);
        assertThat(use(newKey)).isEqualTo(200);

        CLOCK.advance(Duration.ofHours(1));
        assertThat(use(oldKey)).as("old key after grace").isEqualTo(401);
        assertThat(use(newKey)).isEqualTo(200);
        JsonNode old = JerseyServer.json(get("/admin/keys/" + oldId));
        assertThat(old.path("replacedBy").asText()).isEqualTo(newId);
        assertThat(old.path("expires").asText()).isEqualTo("2030-01-01T01:00:00Z");

        HttpResponse<String> revoked = post("/admin/keys/" + newId + "/revoke", null);
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(JerseyServer.json(revoked).path("status").asText()).isEqualTo("revoked");
        Problems.assertProblem(server.get("/api/invoices", "X-API-Key", newKey), 401, "invalid-key", newKey);
    }

    @Test
    void plaintextKeyAppearsOnlyInCreateAndRotateResponses() {
        JsonNode created = create("{\"owner\":\"shown-once\",\"scopes\":[]}");
        String id = created.path("id").asText();
        String key = created.path("key").asText();

        HttpResponse<String> one = get("/admin/keys/" + id);
        HttpResponse<String> all = get("/admin/keys");

        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.body()).doesNotContain(key).contains(id);
        JsonNode record = JerseyServer.json(one);
        assertThat(record.has("key")).isFalse();
        assertThat(record.path("hint").asText()).startsWith("ak_live_").endsWith(key.substring(key.length() - 4));
        assertThat(record.fieldNames()).toIterable().contains("id", "owner", "tenant", "environment", "scopes",
                "status", "created", "expires", "hint", "rateLimit", "replaces", "replacedBy", "lastUsed");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.body()).doesNotContain(key).contains(id);
        assertThat(JerseyServer.json(all).path("keys").isArray()).isTrue();
    }

    @Test
    void listFiltersByOwner() {
        create("{\"owner\":\"list-owner\",\"scopes\":[\"reports:read\"],\"environment\":\"test\"}");

        JsonNode listed = JerseyServer.json(get("/admin/keys?owner=list-owner"));

        assertThat(listed.path("keys")).hasSize(1);
        assertThat(listed.path("keys").get(0).path("environment").asText()).isEqualTo("test");
    }

    @Test
    void suspendedKeyIsRejectedUntilResumed() {
        JsonNode created = create("{\"owner\":\"pausable\",\"scopes\":[\"billing:read\"]}");
        String id = created.path("id").asText();
        String key = created.path("key").asText();

        assertThat(post("/admin/keys/" + id + "/suspend", null).statusCode()).isEqualTo(200);
        assertThat(use(key)).isEqualTo(401);
        assertThat(post("/admin/keys/" + id + "/resume", null).statusCode()).isEqualTo(200);
        assertThat(use(key)).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            owner        | {"scopes":["billing:read"]}
            owner        | {"owner":42,"scopes":[]}
            scopes       | {"owner":"x"}
            scopes       | {"owner":"x","scopes":"billing:read"}
            scopes       | {"owner":"x","scopes":["Billing Read!"]}
            environment  | {"owner":"x","scopes":[],"environment":"staging"}
            expiresAt    | {"owner":"x","scopes":[],"expiresAt":"tomorrow"}
            expiresAt    | {"owner":"x","scopes":[],"expiresAt":"2000-01-01T00:00:00Z"}
            rateLimit    | {"owner":"x","scopes":[],"rateLimit":"lots"}
            quota        | {"owner":"x","scopes":[],"quota":"many"}
            credits      | {"owner":"x","scopes":[],"credits":"ten"}
            allowedCidrs | {"owner":"x","scopes":[],"allowedCidrs":["10.0.0.0/99"]}
            scope        | {"owner":"x","scope":["billing:read"]}
            """)
    void badCreateInputGets400NamingTheField(String field, String json) {
        HttpResponse<String> r = post("/admin/keys", json);

        JsonNode problem = Problems.assertProblem(r, 400, "invalid-request");
        assertThat(problem.path("field").asText()).isEqualTo(field);
        assertThat(problem.path("detail").asText()).contains(field);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {}
            {"gracePeriod":"1 hour"}
            {"gracePeriod":"-PT1H"}
            {"gracePeriod":3600}
            """)
    void badGracePeriodGets400NamingTheField(String json) {
        String id = create("{\"owner\":\"rotating\",\"scopes\":[]}").path("id").asText();

        JsonNode problem = Problems.assertProblem(post("/admin/keys/" + id + "/rotate", json), 400, "invalid-request");

        assertThat(problem.path("field").asText()).isEqualTo("gracePeriod");
    }

    @Test
    void unknownIdGets404() {
        String unknown = "key_AAAAAAAAAAAAAAAAAAAA";
        Problems.assertProblem(get("/admin/keys/" + unknown), 404, "not-found");
        Problems.assertProblem(post("/admin/keys/" + unknown + "/revoke", null), 404, "not-found");
        Problems.assertProblem(post("/admin/keys/" + unknown + "/rotate", "{\"gracePeriod\":\"PT0S\"}"), 404, "not-found");
        Problems.assertProblem(get("/admin/keys/not-an-id"), 404, "not-found");
    }

    @Test
    void rotatingARevokedKeyGets409() {
        String id = create("{\"owner\":\"gone\",\"scopes\":[]}").path("id").asText();
        post("/admin/keys/" + id + "/revoke", null);

        Problems.assertProblem(post("/admin/keys/" + id + "/rotate", "{\"gracePeriod\":\"PT0S\"}"), 409, "conflict");
    }

    @Test
    void adminApiNeedsTheAdminScope() {
        String reader = MANAGER.issue(KeyRequest.builder().owner("reader").scopes("billing:read").build()).key().reveal();

        Problems.assertProblem(server.get("/admin/keys"), 401, "missing-key");
        HttpResponse<String> r = server.post("/admin/keys", "{\"owner\":\"x\",\"scopes\":[]}", "X-API-Key", reader);
        Problems.assertProblem(r, 403, "insufficient-scope", reader);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).endsWith("scope=\"apikeys:admin\"");
    }
}
