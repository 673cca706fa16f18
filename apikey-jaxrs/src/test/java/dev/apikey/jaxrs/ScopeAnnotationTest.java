package dev.apikey.jaxrs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.RequiresScope;
import dev.apikey.store.InMemoryKeyStore;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static dev.apikey.jaxrs.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How annotations on resource classes and methods decide what a request needs. */
class ScopeAnnotationTest {
    private static final InMemoryKeyStore STORE = new InMemoryKeyStore();
    private static final KeyManager MANAGER = KeyManager.builder(STORE).build();
    private static ApiKeyVerifier verifier;
    private static JerseyServer server;

    @BeforeAll
    static void start() {
        verifier = ApiKeyVerifier.builder(STORE).from(MANAGER).auditSink(event -> { }).build();
        ApiKeyFeature feature = new ApiKeyFeature(verifier);
        server = JerseyServer.start(Map.of(
                "", new ResourceConfig(TestResources.Api.class, TestResources.Reports.class, TestResources.Docs.class,
                        TestResources.Modes.class, TestResources.Roles.class, TestResources.Tenants.class,
                        TestResources.Plain.class)
                        .register(feature)
                        .register(RolesAllowedDynamicFeature.class),
                "/lenient", new ResourceConfig(TestResources.Plain.class, TestResources.Api.class)
                        .register(feature.permitUnannotated())));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        verifier.close();
    }

    private static String key(String... scopes) {
        return MANAGER.issue(KeyRequest.builder().owner("annotation-test").scopes(scopes).build()).key().reveal();
    }

    private static int status(String path, String key) {
        HttpResponse<String> r = key == null ? server.get(path) : server.get(path, "X-API-Key", key);
        return r.statusCode();
    }

    @Test
    void methodScopeAdmitsKeysHoldingItOrAWildcard() {
        assertThat(status("/api/invoices", key("billing:read"))).isEqualTo(200);
        assertThat(status("/api/invoices", key("billing:*"))).isEqualTo(200);
        assertThat(status("/api/invoices", key("reports:read"))).isEqualTo(403);
    }

    @Test
    void classScopeAppliesToMethodsWithoutTheirOwn() {
        assertThat(status("/reports", key("reports:read"))).isEqualTo(200);
        assertThat(status("/reports", key("billing:read"))).isEqualTo(403);
        assertThat(status("/reports", null)).isEqualTo(401);
    }

    @Test
    void methodScopeReplacesClassScope() {
        assertThat(status("/reports/billing", key("billing:read"))).isEqualTo(200);
        HttpResponse<String> r = server.get("/reports/billing", "X-API-Key", key("reports:read"));
        assertProblem(r, 403, "insufficient-scope");
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).endsWith("scope=\"billing:read\"");
    }

    @Test
    void methodPermitAllBeatsClassScope() {
        assertThat(status("/reports/public", null)).isEqualTo(200);
    }

    @Test
    void classPermitAllMakesMethodsPublicButAMethodScopeStillApplies() {
        assertThat(status("/docs", null)).isEqualTo(200);
        assertThat(status("/docs/internal", null)).isEqualTo(401);
        assertThat(status("/docs/internal", key("billing:read"))).isEqualTo(200);
    }

    @Test
    void allModeNeedsEveryListedScope() {
        assertThat(status("/modes/all", key("billing:read", "billing:write"))).isEqualTo(200);
        HttpResponse<String> r = server.get("/modes/all", "X-API-Key", key("billing:read"));
        assertProblem(r, 403, "insufficient-scope");
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
                .endsWith("scope=\"billing:read billing:write\"");
    }

    @Test
    void anyModeNeedsOneListedScope() {
        assertThat(status("/modes/any", key("billing:read"))).isEqualTo(200);
        assertThat(status("/modes/any", key("reports:read"))).isEqualTo(200);
        assertThat(status("/modes/any", key("billing:write"))).isEqualTo(403);
    }

    @Test
    void unannotatedMethodNeedsAnyValidKeyByDefault() {
        assertThat(status("/plain", null)).isEqualTo(401);
        assertThat(status("/plain", key())).isEqualTo(200);
    }

    @Test
    void permitUnannotatedMakesUnannotatedMethodsPublicButKeepsScopes() {
        assertThat(status("/lenient/plain", null)).isEqualTo(200);
        assertThat(status("/lenient/api/invoices", null)).isEqualTo(401);
    }

    @Test
    void securityContextCarriesTheKeyAsPrincipalWithScopesAsRoles() {
        String key = key("billing:*", "reports:read");

        HttpResponse<String> r = server.get("/api/whoami", "Authorization", "Bearer " + key);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JerseyServer.json(r);
        assertThat(body.path("id").asText()).startsWith("key_").isEqualTo(body.path("name").asText());
        assertThat(body.path("owner").asText()).isEqualTo("annotation-test");
        assertThat(body.path("environment").asText()).isEqualTo("live");
        assertThat(body.path("scheme").asText()).isEqualTo("APIKEY");
        assertThat(body.path("secure").asBoolean()).isFalse();
        assertThat(body.path("inRoleBillingRead").asBoolean()).isTrue();
        assertThat(body.path("scopes")).extracting(JsonNode::asText).containsExactly("billing:*", "reports:read");
        assertThat(r.body()).doesNotContain(key);
    }

    @Test
    void resourceReadsOwnerTenantAndLabelsFromTheSecurityContext() {
        String key = MANAGER.issue(KeyRequest.builder().owner("acme").tenant("eu-1").scopes("billing:read")
                .label("plan", "gold").label("customer", "C-42").build()).key().reveal();

        JsonNode body = JerseyServer.json(server.get("/api/whoami", "X-API-Key", key));

        assertThat(body.path("owner").asText()).isEqualTo("acme");
        assertThat(body.path("tenant").asText()).isEqualTo("eu-1");
        assertThat(body.path("plan").asText()).isEqualTo("gold");
        assertThat(body.path("labels").path("customer").asText()).isEqualTo("C-42");
        assertThat(body.path("labels").size()).isEqualTo(2);
    }

    @Test
    void rolesAllowedIsAnsweredWithScopesThroughIsUserInRole() {
        assertThat(status("/roles", key("billing:read"))).isEqualTo(200);
        assertThat(status("/roles", key("billing:*"))).isEqualTo(200);
        assertThat(status("/roles", key("reports:read"))).isEqualTo(403);
        assertThat(status("/roles", null)).isEqualTo(401);
    }

    @Test
    void subResourceMethodsAreGuardedByTheirOwnAnnotations() {
        assertThat(status("/tenants/acme/invoices", key("billing:read"))).isEqualTo(200);
        assertThat(status("/tenants/acme/invoices", key("reports:read"))).isEqualTo(403);
        assertThat(status("/tenants/acme/invoices", null)).isEqualTo(401);
        assertThat(status("/tenants/acme/profile", null)).isEqualTo(401);
        assertThat(server.get("/tenants/acme/profile", "X-API-Key", key()).body()).isEqualTo("acme profile");
    }

    @Path("bad-scope")
    public static class BadScope {
        @GET
        @RequiresScope("Billing Read!")
        public String get() {
            return "never";
        }
    }

    @Path("contradiction")
    public static class Contradiction {
        @GET
        @RequiresScope("billing:read")
        @PermitAll
        public String get() {
            return "never";
        }
    }

    @Test
    void invalidScopeStringFailsDeployment() {
        assertThatThrownBy(() -> new ApplicationHandler(
                new ResourceConfig(BadScope.class).register(new ApiKeyFeature(verifier))))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Billing Read!").hasMessageContaining("BadScope.get()");
    }

    @Test
    void requiresScopeTogetherWithPermitAllFailsDeployment() {
        assertThatThrownBy(() -> new ApplicationHandler(
                new ResourceConfig(Contradiction.class).register(new ApiKeyFeature(verifier))))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("@PermitAll").hasMessageContaining("Contradiction.get()");
    }
}
