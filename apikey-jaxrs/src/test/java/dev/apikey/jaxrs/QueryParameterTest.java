package dev.apikey.jaxrs;

import dev.apikey.ApiKeyVerifier;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.store.InMemoryKeyStore;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A key in the query string counts only for a verifier configured to read that parameter. */
class QueryParameterTest {
    private static final InMemoryKeyStore STORE = new InMemoryKeyStore();
    private static final KeyManager MANAGER = KeyManager.builder(STORE).build();
    private static ApiKeyVerifier withQuery;
    private static ApiKeyVerifier headersOnly;
    private static JerseyServer server;

    @BeforeAll
    static void start() {
        withQuery = ApiKeyVerifier.builder(STORE).from(MANAGER).queryParameter("api_key").auditSink(e -> { }).build();
        headersOnly = ApiKeyVerifier.builder(STORE).from(MANAGER).auditSink(e -> { }).build();
        server = JerseyServer.start(Map.of(
                "/query", new ResourceConfig(TestResources.Api.class).register(new ApiKeyFeature(withQuery)),
                "/headers", new ResourceConfig(TestResources.Api.class).register(new ApiKeyFeature(headersOnly))));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        withQuery.close();
        headersOnly.close();
    }

    @Test
    void theConfiguredParameterCarriesTheKeyAndNothingElseDoes() {
        String key = MANAGER.issue(KeyRequest.builder().owner("query-test").scopes("billing:read").build()).key().reveal();
        HttpResponse<String> r = server.get("/query/api/whoami?api_key=" + key);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JerseyServer.json(r).get("owner").asText()).isEqualTo("query-test");
        assertThat(server.get("/query/api/invoices?api_key=" + key).statusCode()).isEqualTo(200);
        assertThat(server.get("/query/api/invoices?other=" + key).statusCode()).isEqualTo(401);
        // The same key in the header and the parameter is one key; two different keys are ambiguous.
        String other = MANAGER.issue(KeyRequest.builder().owner("query-test").scopes("billing:read").build()).key().reveal();
        assertThat(server.get("/query/api/invoices?api_key=" + key, "X-API-Key", key).statusCode()).isEqualTo(200);
        assertThat(server.get("/query/api/invoices?api_key=" + key, "X-API-Key", other).statusCode()).isEqualTo(400);
        // A verifier without the parameter does not look at the query string.
        assertThat(server.get("/headers/api/invoices?api_key=" + key).statusCode()).isEqualTo(401);
        assertThat(server.get("/headers/api/invoices", "X-API-Key", key).statusCode()).isEqualTo(200);
    }
}
