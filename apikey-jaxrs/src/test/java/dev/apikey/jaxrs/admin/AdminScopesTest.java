package dev.apikey.jaxrs.admin;

import dev.apikey.ApiKeyVerifier;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyRequest;
import dev.apikey.jaxrs.ApiKeyFeature;
import dev.apikey.jaxrs.JerseyServer;
import dev.apikey.jaxrs.Problems;
import dev.apikey.jaxrs.TestResources;
import dev.apikey.store.InMemoryKeyStore;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each admin endpoint needs exactly its own scope: for every scope a key may hold and every endpoint, over HTTP, the
 * endpoint answers (2xx) when the scope is the endpoint's own, {@code apikeys:admin} or {@code apikeys:*}, and is 403
 * {@code insufficient-scope} otherwise, before the request reaches the resource.
 */
class AdminScopesTest {
    private static final InMemoryKeyStore STORE = new InMemoryKeyStore();
    private static final KeyManager MANAGER = KeyManager.builder(STORE).build();
    private static ApiKeyVerifier verifier;
    private static JerseyServer server;

    @BeforeAll
    static void start() {
        verifier = ApiKeyVerifier.builder(STORE).from(MANAGER).auditSink(event -> { }).build();
        server = JerseyServer.start(new ResourceConfig(TestResources.Api.class)
                .register(new ApiKeyFeature(verifier).withAdmin(MANAGER)));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        verifier.close();
    }

    /** The answer to one endpoint for a key holding {@code scope} (and billing:*, so what it grants is never the issue). */
    private static HttpResponse<String> call(String endpoint, String scope) {
        String key = MANAGER.issue(KeyRequest.builder().owner("ops").scopes(scope, "billing:*").build()).key().reveal();
        KeyRecord target = MANAGER.issue(KeyRequest.builder().owner("app").scopes("billing:read").build()).record();
        MANAGER.suspend(target.id());
        String id = target.id();
        String etag = "\"" + MANAGER.get(id).orElseThrow().version() + "\"";
        return switch (endpoint) {
            case "list" -> server.get("/admin/keys", "X-API-Key", key);
            case "get" -> server.get("/admin/keys/" + id, "X-API-Key", key);
            case "review" -> server.get("/admin/keys/review", "X-API-Key", key);
            case "issue" -> server.post("/admin/keys", "{\"owner\":\"a\",\"scopes\":[\"billing:read\"]}", "X-API-Key", key);
            case "rotate" -> server.post("/admin/keys/" + id + "/rotate", "{\"gracePeriod\":\"PT0S\"}", "X-API-Key", key);
            case "update" -> server.patch("/admin/keys/" + id, "{\"description\":\"x\"}", "X-API-Key", key, "If-Match", etag);
            case "suspend" -> server.post("/admin/keys/" + id + "/suspend", null, "X-API-Key", key);
            case "resume" -> server.post("/admin/keys/" + id + "/resume", null, "X-API-Key", key);
            case "revoke" -> server.post("/admin/keys/" + id + "/revoke", null, "X-API-Key", key);
            case "leaks" -> server.post("/admin/leaks", "{\"found\":[\"nothing-of-ours\"]}", "X-API-Key", key);
            default -> throw new IllegalArgumentException(endpoint);
        };
    }

    @ParameterizedTest(name = "{0} needs {1}")
    @CsvSource(textBlock = """
            list,    apikeys:read
            get,     apikeys:read
            review,  apikeys:read
            issue,   apikeys:issue
            rotate,  apikeys:issue
            update,  apikeys:update
            suspend, apikeys:update
            resume,  apikeys:update
            revoke,  apikeys:revoke
            leaks,   apikeys:revoke
            """)
    void eachEndpointOpensToItsOwnScopeAndToTheScopesThatHoldThemAll(String endpoint, String own) {
        for (String scope : Set.of("apikeys:read", "apikeys:issue", "apikeys:update", "apikeys:revoke",
                "apikeys:admin", "apikeys:*", "apikeys:reader", "billing:read")) {
            HttpResponse<String> r = call(endpoint, scope);
            boolean opens = scope.equals(own) || scope.equals("apikeys:admin") || scope.equals("apikeys:*");
            if (opens) {
                assertThat(r.statusCode()).as("%s with %s: %s", endpoint, scope, r.body()).isBetween(200, 201);
            } else {
                Problems.assertProblem(r, 403, "insufficient-scope");
            }
        }
    }
}
