package dev.apikey.jaxrs.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.Environment;
import dev.apikey.IssuedKey;
import dev.apikey.KeyFormat;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.KeyStatus;
import dev.apikey.jaxrs.ApiKeyFeature;
import dev.apikey.jaxrs.JerseyServer;
import dev.apikey.jaxrs.TestResources;
import dev.apikey.store.InMemoryKeyStore;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /admin/leaks} over HTTP: any scanner or person reports found strings and gets GitHub's handling. */
class AdminLeaksTest {
    private static final InMemoryKeyStore STORE = new InMemoryKeyStore();
    private static final KeyManager MANAGER = KeyManager.builder(STORE).build();
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

    private static IssuedKey issue(String tenant) {
        return MANAGER.issue(KeyRequest.builder().owner("app").tenant(tenant).build());
    }

    private static HttpResponse<String> report(String key, String... found) {
        return server.post("/admin/leaks", "{\"found\":[\"" + String.join("\",\"", found) + "\"]}", "X-API-Key", key);
    }

    @Test
    void reportedKeysOfOursAreRevokedAndTheAnswerNamesThemByIdOnly() {
        IssuedKey leaked = issue(null);
        String plain = leaked.key().reveal();
        String stranger = KeyFormat.ofDefaults().generate(Environment.LIVE).reveal();

        HttpResponse<String> r = report(admin, plain, stranger, "hunter2");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.body()).doesNotContain(plain).doesNotContain(stranger).doesNotContain("hunter2");
        JsonNode results = JerseyServer.json(r).get("results");
        assertThat(results.get(0).get("ours").asBoolean()).isTrue();
        assertThat(results.get(0).get("keyId").asText()).isEqualTo(leaked.record().id());
        assertThat(results.get(0).get("result").asText()).isEqualTo("revoked");
        assertThat(results.get(1).get("result").asText()).isEqualTo("unknown");
        assertThat(results.get(2).get("result").asText()).isEqualTo("malformed");
        assertThat(STORE.findById(leaked.record().id()).orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(server.get("/api/invoices", "X-API-Key", plain).statusCode()).isEqualTo(401);
    }

    @Test
    void aTenantsAdminCannotFindOrRevokeAnotherTenantsKey() {
        String tenantAdmin = MANAGER.issue(KeyRequest.builder().owner("ops-a").tenant("a").scopes(AdminResource.SCOPE)
                .build()).key().reveal();
        IssuedKey other = issue("b");

        JsonNode result = JerseyServer.json(report(tenantAdmin, other.key().reveal())).get("results").get(0);

        assertThat(result.get("ours").asBoolean()).isFalse();
        assertThat(result.has("keyId")).isFalse();
        assertThat(STORE.findById(other.record().id()).orElseThrow().status()).isEqualTo(KeyStatus.ACTIVE);
    }

    @Test
    void itNeedsTheAdminScopeAndAWellFormedBody() {
        String plainKey = issue(null).key().reveal();
        assertThat(report(plainKey, "x").statusCode()).isEqualTo(403);
        assertThat(server.post("/admin/leaks", "{\"tokens\":[\"x\"]}", "X-API-Key", admin).statusCode()).isEqualTo(400);
        assertThat(server.post("/admin/leaks", "{}", "X-API-Key", admin).statusCode()).isEqualTo(400);
        assertThat(server.post("/admin/leaks", "[\"x\"]", "X-API-Key", admin).statusCode()).isEqualTo(400);
    }
}
