package dev.apikey.jaxrs.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.ImportedKey;
import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyRequest;
import dev.apikey.MutableClock;
import dev.apikey.jaxrs.ApiKeyFeature;
import dev.apikey.jaxrs.JerseyServer;
import dev.apikey.jaxrs.Problems;
import dev.apikey.jaxrs.TestResources;
import dev.apikey.store.InMemoryKeyStore;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Governance fields and {@code GET /admin/keys/review} over HTTP on a real Jersey app, with a fake clock. */
class AdminReviewTest {
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    private static final MutableClock CLOCK = new MutableClock(START);
    private static final InMemoryKeyStore STORE = new InMemoryKeyStore();
    private static final KeyManager MANAGER = KeyManager.builder(STORE).clock(CLOCK).build();
    private static ApiKeyVerifier verifier;
    private static JerseyServer server;
    private static String admin;
    private static String acmeAdmin;

    @BeforeAll
    static void start() {
        verifier = ApiKeyVerifier.builder(STORE).from(MANAGER).auditSink(event -> { }).lastUsedExecutor(Runnable::run)
                .build();
        server = JerseyServer.start(new ResourceConfig(TestResources.Api.class)
                .register(new ApiKeyFeature(verifier).withAdmin(MANAGER)));
        admin = MANAGER.issue(KeyRequest.builder().owner("ops").description("operations console")
                .scopes(AdminResource.SCOPE, "billing:*").build()).key().reveal();
        acmeAdmin = MANAGER.issue(KeyRequest.builder().owner("acme-ops").tenant("acme").description("acme console")
                .scopes(AdminResource.SCOPE, "billing:read").build()).key().reveal();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        verifier.close();
    }

    private static JsonNode review(String key, String query) {
        HttpResponse<String> r = server.get("/admin/keys/review" + query, "X-API-Key", key);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        return JerseyServer.json(r);
    }

    /** Finding tokens per key id, of the keys a review lists. */
    private static Map<String, List<String>> findings(JsonNode review) {
        Map<String, List<String>> out = new HashMap<>();
        for (JsonNode k : review.path("keys")) {
            List<String> tokens = new ArrayList<>();
            k.path("findings").forEach(f -> tokens.add(f.path("finding").asText()));
            out.put(k.path("id").asText(), tokens);
        }
        return out;
    }

    @Test
    void descriptionAndReviewDayAreSetAtIssueAndShownWithTheRecord() {
        HttpResponse<String> r = server.post("/admin/keys", "{\"owner\":\"exports\",\"scopes\":[\"billing:read\"],"
                + "\"description\":\"nightly \\\"export\\\" <job>\",\"reviewAfter\":\"2030-06-30\"}", "X-API-Key", admin);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String id = JerseyServer.json(r).path("id").asText();

        JsonNode shown = JerseyServer.json(server.get("/admin/keys/" + id, "X-API-Key", admin));
        assertThat(shown.path("description").asText()).isEqualTo("nightly \"export\" <job>");
        assertThat(shown.path("reviewAfter").asText()).isEqualTo("2030-06-30");
        assertThat(STORE.findById(id).orElseThrow().reviewAfter()).isEqualTo(LocalDate.of(2030, 6, 30));
    }

    @Test
    void aHostileDescriptionOrABadReviewDayIsA400NamingTheField() {
        String[][] cases = {
                {"\"description\":\"ok\\u001b]0;pwned\\u0007\"", "description"},
                {"\"description\":\"\\u202Egnp.exe\"", "description"},
                {"\"description\":\"" + "x".repeat(513) + "\"", "description"},
                {"\"description\":\"  \"", "description"},
                {"\"description\":42", "description"},
                {"\"reviewAfter\":\"next spring\"", "reviewAfter"},
                {"\"reviewAfter\":\"2030-02-30\"", "reviewAfter"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = server.post("/admin/keys", "{\"owner\":\"x\",\"scopes\":[]," + c[0] + "}",
                    "X-API-Key", admin);
            JsonNode problem = Problems.assertProblem(r, 400, "invalid-request");
            assertThat(problem.path("field").asText()).as(c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void theReviewListsEachKeysFindingsAndFollowsTheClock() {
        IssuedKey wild = MANAGER.issue(KeyRequest.builder().owner("unknown").scopes("billing:*").build());
        IssuedKey kept = MANAGER.issue(KeyRequest.builder().owner("reports").scopes("billing:read")
                .description("monthly report").expiresIn(Duration.ofDays(400)).reviewAfter(LocalDate.of(2030, 3, 1))
                .build());
        IssuedKey rotated = MANAGER.issue(KeyRequest.builder().owner("app").scopes("billing:read")
                .description("app backend").expiresIn(Duration.ofDays(20)).build());
        String successor = MANAGER.rotate(rotated.record().id(), Duration.ofDays(2)).record().id();
        assertThat(server.get("/api/invoices", "X-API-Key", kept.key().reveal()).statusCode()).isEqualTo(200);

        JsonNode now = review(admin, "");
        assertThat(now.path("unusedDays").asInt()).isEqualTo(90);
        assertThat(now.path("expiringDays").asInt()).isEqualTo(30);
        Map<String, List<String>> f = findings(now);
        assertThat(f.get(wild.record().id())).containsExactly("no-expiry", "no-owner", "no-purpose", "wildcard-scope");
        assertThat(f).doesNotContainKey(kept.record().id());
        assertThat(f.get(rotated.record().id())).containsExactly("in-grace");
        assertThat(f.get(successor)).containsExactly("expiring");

        CLOCK.set(START.plus(Duration.ofDays(95)));
        try {
            Map<String, List<String>> later = findings(review(admin, "?unusedDays=60&expiringDays=7"));
            assertThat(later.get(kept.record().id())).containsExactly("unused", "review-due");
            assertThat(later.get(wild.record().id())).startsWith("never-used");
            assertThat(later).as("expired keys are not reviewed").doesNotContainKeys(rotated.record().id(), successor);
        } finally {
            CLOCK.set(START);
        }
    }

    @Test
    void anImportedLegacyKeyIsListedAsLegacyUntilItIsRotatedToTheKeyFormat() {
        KeyRecord imported = MANAGER.importKey(ImportedKey.plaintext("sk_live_51HxLegacyPartnerKey0042",
                KeyRequest.builder().owner("partner-x").scopes("billing:read").description("partner feed")
                        .expiresIn(Duration.ofDays(200)).build()));
        HttpResponse<String> r = server.get("/admin/keys/review", "X-API-Key", admin);
        assertThat(r.body()).doesNotContain("LegacyPartnerKey");
        assertThat(findings(JerseyServer.json(r)).get(imported.id())).containsExactly("legacy");

        String successor = MANAGER.rotate(imported.id(), Duration.ZERO).record().id();
        Map<String, List<String>> after = findings(review(admin, ""));
        assertThat(after).doesNotContainKey(imported.id());
        assertThat(after.getOrDefault(successor, List.of())).doesNotContain("legacy");
    }

    @Test
    void aTenantBoundAdminReviewsOnlyItsTenantsKeys() {
        String acmeKey = MANAGER.issue(KeyRequest.builder().owner("shop").tenant("acme").scopes("billing:read").build())
                .record().id();
        String otherKey = MANAGER.issue(KeyRequest.builder().owner("shop").tenant("globex").scopes("billing:read").build())
                .record().id();

        Map<String, List<String>> acme = findings(review(acmeAdmin, ""));
        assertThat(acme).containsKey(acmeKey).doesNotContainKey(otherKey);
        assertThat(findings(review(acmeAdmin, "?tenant=globex"))).isEmpty();
        assertThat(findings(review(admin, "?tenant=globex"))).containsKey(otherKey).doesNotContainKey(acmeKey);
    }

    @Test
    void theReviewIsPagedWithTheListsCursor() {
        for (int i = 0; i < 3; i++) {
            MANAGER.issue(KeyRequest.builder().owner("paged").scopes("billing:read").build());
        }
        JsonNode first = review(admin, "?owner=paged&limit=2");
        assertThat(first.path("reviewed").asInt()).isEqualTo(2);
        assertThat(first.path("keys")).hasSize(2);
        JsonNode second = review(admin, "?owner=paged&limit=2&after=" + first.path("next").asText());
        assertThat(second.path("reviewed").asInt()).isEqualTo(1);
        assertThat(second.has("next")).isFalse();
    }

    @Test
    void theReviewNeedsTheAdminScopeAndRefusesBadParametersWithA400() {
        String reader = MANAGER.issue(KeyRequest.builder().owner("reader").scopes("billing:read").build()).key().reveal();
        Problems.assertProblem(server.get("/admin/keys/review", "X-API-Key", reader), 403, "insufficient-scope", reader);
        Problems.assertProblem(server.get("/admin/keys/review"), 401, "missing-key");
        for (String[] c : new String[][] {{"?unusedDays=0", "unusedDays"}, {"?expiringDays=soon", "expiringDays"},
                {"?limit=0", "limit"}, {"?owner=a&tenant=b", "tenant"}}) {
            JsonNode p = Problems.assertProblem(server.get("/admin/keys/review" + c[0], "X-API-Key", admin), 400,
                    "invalid-request");
            assertThat(p.path("field").asText()).as(c[0]).isEqualTo(c[1]);
        }
    }
}
