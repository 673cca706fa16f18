package dev.apikey.jaxrs.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.MutableClock;
import dev.apikey.jaxrs.ApiKeyFeature;
import dev.apikey.jaxrs.JerseyServer;
import dev.apikey.jaxrs.Problems;
import dev.apikey.jaxrs.TestResources;
import dev.apikey.spi.KeyQuery;
import dev.apikey.store.InMemoryKeyStore;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin API end to end over HTTP, with a fake clock shared by the key manager and the verifier. */
class AdminResourceTest {
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private static final InMemoryKeyStore STORE = new InMemoryKeyStore();
    private static final KeyManager MANAGER = KeyManager.builder(STORE).clock(CLOCK).build();
    private static ApiKeyVerifier verifier;
    private static JerseyServer server;
    private static String admin;
    private static String adminId;

    @BeforeAll
    static void start() {
        verifier = ApiKeyVerifier.builder(STORE).from(MANAGER).auditSink(event -> { }).build();
        server = JerseyServer.start(new ResourceConfig(TestResources.Api.class)
                .register(new ApiKeyFeature(verifier).withAdmin(MANAGER)));
        // Like the demo's admin key: it may grant only what it holds.
        IssuedKey ops = MANAGER.issue(KeyRequest.builder().owner("ops")
                .scopes(AdminResource.SCOPE, "billing:*", "reports:read").build());
        admin = ops.key().reveal();
        adminId = ops.record().id();
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
    void listPagesWalkEveryKeyOnceInIdOrderFollowingNext() {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(create("{\"owner\":\"paged-owner\",\"scopes\":[]}").path("id").asText());
        }
        ids.sort(null);

        List<String> walked = new java.util.ArrayList<>();
        String path = "/admin/keys?owner=paged-owner&limit=2";
        while (path != null) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode page = JerseyServer.json(r);
            assertThat(page.path("keys").size()).isLessThanOrEqualTo(2);
            page.path("keys").forEach(k -> walked.add(k.path("id").asText()));
            path = page.has("next") ? "/admin/keys?owner=paged-owner&limit=2&after=" + page.path("next").asText() : null;
        }

        assertThat(walked).containsExactlyElementsOf(ids);
        assertThat(JerseyServer.json(get("/admin/keys?owner=paged-owner")).has("next")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            limit | limit=0
            limit | limit=10001
            limit | limit=ten
            limit | limit=
            after | limit=2&after=%0D%0Aforged
            after | after=not-a-key-id
            """)
    void aBadPageIsA400NamingTheParameter(String field, String query) {
        JsonNode problem = Problems.assertProblem(get("/admin/keys?" + query), 400, "invalid-request");
        assertThat(problem.path("field").asText()).isEqualTo(field);
        assertThat(problem.path("detail").asText()).doesNotContain("\r", "\n");
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
    void adminApiNeedsTheEndpointsScopeAndSaysWhichInTheChallenge() {
        String reader = MANAGER.issue(KeyRequest.builder().owner("reader").scopes("billing:read").build()).key().reveal();

        Problems.assertProblem(server.get("/admin/keys"), 401, "missing-key");
        HttpResponse<String> r = server.post("/admin/keys", "{\"owner\":\"x\",\"scopes\":[]}", "X-API-Key", reader);
        Problems.assertProblem(r, 403, "insufficient-scope", reader);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).endsWith("scope=\"apikeys:issue apikeys:admin\"");
    }

    // ---- the review's attacks (issue 26, items 5 and 7) ----------------------------------------------------

    private static IssuedKey issueKey(String owner, String tenant, String... scopes) {
        return MANAGER.issue(KeyRequest.builder().owner(owner).tenant(tenant).scopes(scopes).build());
    }

    private static HttpResponse<String> postAs(String key, String path, String json) {
        return server.post(path, json, "X-API-Key", key);
    }

    private static HttpResponse<String> getAs(String key, String path) {
        return server.get(path, "X-API-Key", key);
    }

    @Test
    void anAdminKeyGrantsOnlyTheScopesItHoldsWildcardsIncluded() {
        String narrow = issueKey("narrow-admin", null, AdminResource.SCOPE, "billing:*").key().reveal();

        for (String scopes : List.of("[\"*\"]", "[\"reports:read\"]", "[\"billing:read\",\"reports:read\"]",
                "[\"apikeys:*\"]")) {
            HttpResponse<String> r = postAs(narrow, "/admin/keys", "{\"owner\":\"escalated\",\"scopes\":" + scopes + "}");
            JsonNode problem = Problems.assertProblem(r, 403, "forbidden", narrow);
            assertThat(problem.path("detail").asText()).as(scopes).contains("does not hold");
        }
        assertThat(MANAGER.list(KeyQuery.byOwner("escalated"))).isEmpty();

        assertThat(postAs(narrow, "/admin/keys", "{\"owner\":\"granted\",\"scopes\":[\"billing:read\"]}").statusCode())
                .isEqualTo(201);
        assertThat(postAs(narrow, "/admin/keys", "{\"owner\":\"granted\",\"scopes\":[\"billing:*\",\"apikeys:admin\"]}")
                .statusCode()).isEqualTo(201);
    }

    @Test
    void rotatingAKeyWhoseScopesTheCallerDoesNotHoldIsRefused() {
        String narrow = issueKey("narrow-rotator", null, AdminResource.SCOPE, "billing:*").key().reveal();
        IssuedKey root = issueKey("root-app", null, "*");
        String rootId = root.record().id();

        Problems.assertProblem(postAs(narrow, "/admin/keys/" + rootId + "/rotate", "{\"gracePeriod\":\"PT1H\"}"),
                403, "forbidden", narrow);

        assertThat(MANAGER.get(rootId).orElseThrow().replacedBy()).isNull();
        assertThat(MANAGER.list(KeyQuery.byOwner("root-app"))).hasSize(1);
    }

    @Test
    void gracePeriodsBeyondTheSevenDayCapGet400() {
        String id = create("{\"owner\":\"long-grace\",\"scopes\":[\"billing:read\"]}").path("id").asText();

        for (String grace : List.of("P36500D", "P7DT1S", "PT1000000H")) {
            JsonNode problem = Problems.assertProblem(post("/admin/keys/" + id + "/rotate", "{\"gracePeriod\":\"" + grace + "\"}"),
                    400, "invalid-request");
            assertThat(problem.path("field").asText()).isEqualTo("gracePeriod");
            assertThat(problem.path("detail").asText()).contains("PT168H");
        }
        assertThat(MANAGER.get(id).orElseThrow().replacedBy()).isNull();
        assertThat(post("/admin/keys/" + id + "/rotate", "{\"gracePeriod\":\"P7D\"}").statusCode()).isEqualTo(201);
    }

    @Test
    void aTenantAdminSeesAndChangesOnlyItsOwnTenantsKeysAndOthersLookMissing() {
        IssuedKey acmeAdmin = issueKey("acme-ops", "acme", AdminResource.SCOPE, "billing:*");
        String acme = acmeAdmin.key().reveal();
        IssuedKey own = issueKey("acme-app", "acme", "billing:read");
        IssuedKey other = issueKey("globex-app", "globex", "billing:read");
        IssuedKey untenanted = issueKey("shared-app", null, "billing:read");

        JsonNode listed = JerseyServer.json(getAs(acme, "/admin/keys"));
        assertThat(listed.path("keys").findValuesAsText("tenant")).isNotEmpty().containsOnly("acme");
        assertThat(listed.toString()).contains(own.record().id()).doesNotContain(other.record().id())
                .doesNotContain(untenanted.record().id());
        assertThat(JerseyServer.json(getAs(acme, "/admin/keys?tenant=globex")).path("keys")).isEmpty();
        assertThat(JerseyServer.json(getAs(acme, "/admin/keys?owner=globex-app")).path("keys")).isEmpty();
        assertThat(getAs(acme, "/admin/keys/" + own.record().id()).statusCode()).isEqualTo(200);

        String unknown = "key_AAAAAAAAAAAAAAAAAAAA";
        for (String id : List.of(other.record().id(), untenanted.record().id())) {
            JsonNode missing = Problems.assertProblem(getAs(acme, "/admin/keys/" + unknown), 404, "not-found");
            JsonNode hidden = Problems.assertProblem(getAs(acme, "/admin/keys/" + id), 404, "not-found");
            assertThat(hidden.path("detail").asText()).isEqualTo(missing.path("detail").asText().replace(unknown, id));
            for (String action : List.of("revoke", "suspend", "resume")) {
                Problems.assertProblem(postAs(acme, "/admin/keys/" + id + "/" + action, null), 404, "not-found");
            }
            Problems.assertProblem(postAs(acme, "/admin/keys/" + id + "/rotate", "{\"gracePeriod\":\"PT0S\"}"), 404, "not-found");
        }
        assertThat(MANAGER.get(other.record().id()).orElseThrow()).isEqualTo(other.record());
        assertThat(MANAGER.get(untenanted.record().id()).orElseThrow()).isEqualTo(untenanted.record());
        assertThat(use(other.key().reveal())).isEqualTo(200);
    }

    @Test
    void aTenantAdminsNewKeysGetItsTenantAndAnotherTenantIsRefused() {
        String acme = issueKey("acme-issuer", "acme", AdminResource.SCOPE, "billing:*").key().reveal();

        HttpResponse<String> created = postAs(acme, "/admin/keys", "{\"owner\":\"acme-new\",\"scopes\":[\"billing:read\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JerseyServer.json(created).path("tenant").asText()).isEqualTo("acme");
        assertThat(postAs(acme, "/admin/keys", "{\"owner\":\"acme-new\",\"tenant\":\"acme\",\"scopes\":[]}").statusCode())
                .isEqualTo(201);

        Problems.assertProblem(postAs(acme, "/admin/keys", "{\"owner\":\"planted\",\"tenant\":\"globex\",\"scopes\":[]}"),
                403, "forbidden", acme);
        assertThat(MANAGER.list(KeyQuery.byOwner("planted"))).isEmpty();
    }

    @Test
    void everyLifecycleChangeLogsOneInfoAuditLineWithTheActingAndTargetIds() {
        try (AuditLines audit = AuditLines.capture()) {
            JsonNode first = create("{\"owner\":\"audited\",\"scopes\":[\"billing:read\"]}");
            String firstId = first.path("id").asText();
            JsonNode second = JerseyServer.json(post("/admin/keys/" + firstId + "/rotate", "{\"gracePeriod\":\"PT1H\"}"));
            String secondId = second.path("id").asText();
            post("/admin/keys/" + secondId + "/suspend", null);
            post("/admin/keys/" + secondId + "/resume", null);
            post("/admin/keys/" + secondId + "/revoke", null);

            List<String> lines = audit.linesMentioning(firstId, secondId);
            assertThat(lines).hasSize(6);
            assertThat(lines).allSatisfy(line -> assertThat(line).contains(adminId));
            assertThat(lines.get(0)).contains("issue").contains(firstId);
            assertThat(lines.get(1)).contains("rotate").contains(firstId).contains(secondId);
            assertThat(lines.get(2)).contains("suspend").contains(secondId);
            assertThat(lines.get(3)).contains("resume").contains(secondId);
            assertThat(lines).filteredOn(l -> l.contains("revoke")).hasSize(2);
            String joined = String.join("\n", lines);
            for (JsonNode k : List.of(first, second)) {
                assertThat(joined).doesNotContain(k.path("key").asText());
            }
            assertThat(joined).doesNotContain(MANAGER.get(firstId).orElseThrow().digest().encoded())
                    .doesNotContain(MANAGER.get(secondId).orElseThrow().digest().encoded());
        }
    }

    @Test
    void revokingARotationSuccessorAlsoEndsItsPredecessorsGrace() {
        JsonNode first = create("{\"owner\":\"chain\",\"scopes\":[\"billing:read\"]}");
        JsonNode second = JerseyServer.json(post("/admin/keys/" + first.path("id").asText() + "/rotate", "{\"gracePeriod\":\"PT1H\"}"));
        assertThat(use(first.path("key").asText())).isEqualTo(200);

        assertThat(post("/admin/keys/" + second.path("id").asText() + "/revoke", null).statusCode()).isEqualTo(200);

        assertThat(use(second.path("key").asText())).isEqualTo(401);
        assertThat(use(first.path("key").asText())).as("predecessor in its grace period").isEqualTo(401);
        assertThat(JerseyServer.json(get("/admin/keys/" + first.path("id").asText())).path("status").asText()).isEqualTo("revoked");
    }

    @Test
    void withoutTheFeatureInFrontTheResourceRefusesEverything() throws Exception {
        JerseyServer bare = JerseyServer.start(new ResourceConfig().register(new AdminResource(MANAGER)));
        try {
            Problems.assertProblem(bare.get("/admin/keys"), 403, "forbidden");
            Problems.assertProblem(bare.post("/admin/keys", "{\"owner\":\"bare-x\",\"scopes\":[\"*\"]}", "X-API-Key", admin),
                    403, "forbidden", admin);
        } finally {
            bare.close();
        }
        assertThat(MANAGER.list(KeyQuery.byOwner("bare-x"))).isEmpty();
    }

    @Test
    void adminErrorsAndRejectionsShareTheVerifiersProblemTypeBase() throws Exception {
        ApiKeyVerifier custom = ApiKeyVerifier.builder(STORE).from(MANAGER).auditSink(event -> { })
                .problemTypeBase("urn:acme:problems:").build();
        JerseyServer own = JerseyServer.start(new ResourceConfig(TestResources.Api.class)
                .register(new ApiKeyFeature(custom).withAdmin(MANAGER)));
        try {
            HttpResponse<String> missing = own.get("/admin/keys/key_nope", "X-API-Key", admin);
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(JerseyServer.json(missing).path("type").asText()).isEqualTo("urn:acme:problems:not-found");
            assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("application/problem+json"));
            HttpResponse<String> bad = own.post("/admin/keys", "{\"owner\":\"x\"}", "X-API-Key", admin);
            assertThat(JerseyServer.json(bad).path("type").asText()).isEqualTo("urn:acme:problems:invalid-request");
            assertThat(JerseyServer.json(bad).path("field").asText()).isEqualTo("scopes");
            HttpResponse<String> rejected = own.get("/admin/keys", "X-API-Key", "ak_live_nope");
            assertThat(JerseyServer.json(rejected).path("type").asText()).isEqualTo("urn:acme:problems:invalid-key");
        } finally {
            own.close();
            custom.close();
        }
    }
}
