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
import dev.apikey.spi.LifecycleEvent;
import dev.apikey.spi.LifecycleRecorder;
import dev.apikey.store.InMemoryKeyStore;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code PATCH /admin/keys/{id}} over HTTP: If-Match, 412 and 428, the audit trail, and the change taking effect. */
class AdminUpdateTest {
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private static final InMemoryKeyStore STORE = new InMemoryKeyStore();
    private static final LifecycleRecorder LIFECYCLE = new LifecycleRecorder();
    private static final KeyManager MANAGER = KeyManager.builder(STORE).clock(CLOCK).auditSink(LIFECYCLE).build();
    private static ApiKeyVerifier verifier;
    private static JerseyServer server;
    private static String updater;
    private static String updaterId;

    @BeforeAll
    static void start() {
        verifier = ApiKeyVerifier.builder(STORE).from(MANAGER).auditSink(event -> { }).build();
        server = JerseyServer.start(new ResourceConfig(TestResources.Api.class)
                .register(new ApiKeyFeature(verifier).withAdmin(MANAGER)));
        IssuedKey k = MANAGER.issue(KeyRequest.builder().owner("ops")
                .scopes(AdminScopes.READ, AdminScopes.UPDATE, "billing:*").build());
        updater = k.key().reveal();
        updaterId = k.record().id();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        verifier.close();
    }

    @BeforeEach
    void clearEvents() {
        LIFECYCLE.events.clear();
    }

    private static IssuedKey billingKey() {
        IssuedKey k = MANAGER.issue(KeyRequest.builder().owner("billing-app").scopes("billing:read")
                .rateLimit("100/1s").build());
        LIFECYCLE.events.clear();
        return k;
    }

    private static HttpResponse<String> patch(String id, String ifMatch, String json) {
        return ifMatch == null ? server.patch("/admin/keys/" + id, json, "X-API-Key", updater)
                : server.patch("/admin/keys/" + id, json, "X-API-Key", updater, "If-Match", ifMatch);
    }

    @Test
    void getGivesTheVersionAsETagAndPatchWithItChangesTheKeyAtOnce() {
        IssuedKey k = billingKey();
        String id = k.record().id();
        HttpResponse<String> read = server.get("/admin/keys/" + id, "X-API-Key", updater);
        assertThat(read.headers().firstValue("ETag")).hasValue("\"1\"");
        assertThat(JerseyServer.json(read).path("version").asLong()).isEqualTo(1);
        assertThat(server.get("/api/invoices", "X-API-Key", k.key().reveal()).statusCode()).isEqualTo(200);

        HttpResponse<String> r = patch(id, "\"1\"", "{\"scopes\":[\"billing:write\"],\"rateLimit\":null,"
                + "\"labels\":{\"plan\":\"gold\"},\"description\":\"invoice writer\",\"expiresAt\":\"2031-01-01T00:00:00Z\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("ETag")).hasValue("\"2\"");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = JerseyServer.json(r);
        assertThat(body.path("scopes").get(0).asText()).isEqualTo("billing:write");
        assertThat(body.path("rateLimit").isNull()).isTrue();
        assertThat(body.path("labels").path("plan").asText()).isEqualTo("gold");
        assertThat(body.path("expires").asText()).isEqualTo("2031-01-01T00:00:00Z");
        assertThat(body.has("key")).isFalse();
        assertThat(r.body()).doesNotContain(k.key().reveal()).doesNotContain(k.record().digest().encoded());
        Problems.assertProblem(server.get("/api/invoices", "X-API-Key", k.key().reveal()), 403, "insufficient-scope",
                k.key().reveal());
        assertThat(LIFECYCLE.events).extracting(LifecycleEvent::action, LifecycleEvent::actor, LifecycleEvent::detail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(LifecycleEvent.Action.UPDATE, updaterId,
                        "fields=scopes,rateLimit,labels,description,expiresAt"));
    }

    @Test
    void aLimitSharedPerOwnerCanBeSetInPlace() {
        String id = billingKey().record().id();

        HttpResponse<String> r = patch(id, "\"1\"", "{\"rateLimit\":\"10/1s, 1000/1h per owner\",\"quota\":\"5000/month per owner\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JerseyServer.json(r).path("rateLimit").asText()).isEqualTo("10/1s, 1000/1h per owner");
        assertThat(JerseyServer.json(r).path("quota").asText()).isEqualTo("5000/month per owner");
        assertThat(field(patch(id, "\"2\"", "{\"quota\":\"5000/month per tenant\"}"))).isNull();
        HttpResponse<String> credits = patch(id, "\"2\"", "{\"credits\":100,\"creditsPer\":\"owner\"}");
        assertThat(credits.statusCode()).as(credits.body()).isEqualTo(200);
        assertThat(JerseyServer.json(credits).path("creditsPer").asText()).isEqualTo("owner");
        assertThat(field(patch(id, "\"3\"", "{\"creditsPer\":\"tenant\"}"))).isEqualTo("creditsPer");
        assertThat(field(patch(id, "\"3\"", "{\"credits\":5,\"creditsPer\":\"team\"}"))).isEqualTo("creditsPer");
    }

    @Test
    void aStaleIfMatchIs412AndAMissingOneIs428AndNeitherChangesAnything() {
        String id = billingKey().record().id();
        assertThat(patch(id, "\"1\"", "{\"description\":\"first\"}").statusCode()).isEqualTo(200);

        Problems.assertProblem(patch(id, "\"1\"", "{\"description\":\"second\"}"), 412, "precondition-failed");
        Problems.assertProblem(patch(id, null, "{\"description\":\"third\"}"), 428, "precondition-required");
        for (String bad : new String[] {"W/\"2\"", "2", "\"2\", \"3\"", "*", "\"-1\"", "\"99999999999999999999\""}) {
            Problems.assertProblem(patch(id, bad, "{\"description\":\"fourth\"}"), 400, "invalid-request");
        }

        assertThat(MANAGER.get(id).orElseThrow().description()).isEqualTo("first");
        assertThat(LIFECYCLE.events).hasSize(1);
    }

    @Test
    void badBodiesAre400NamingTheFieldAndUnknownIdsAre404() {
        String id = billingKey().record().id();
        assertThat(field(patch(id, "\"1\"", "{\"owner\":\"someone-else\"}"))).isEqualTo("owner");
        assertThat(field(patch(id, "\"1\"", "{\"scopes\":null}"))).isEqualTo("scopes");
        assertThat(field(patch(id, "\"1\"", "{\"rateLimit\":\"lots\"}"))).isEqualTo("rateLimit");
        assertThat(field(patch(id, "\"1\"", "{\"expiresAt\":\"2020-01-01T00:00:00Z\"}"))).isNull();
        assertThat(field(patch(id, "\"1\"", "{\"credits\":0}"))).isEqualTo("credits");
        assertThat(field(patch(id, "\"1\"", "{\"description\":\"a\\u001bb\"}"))).isEqualTo("description");
        Problems.assertProblem(patch(id, "\"1\"", "{}"), 400, "invalid-request");
        Problems.assertProblem(patch("key_AAAAAAAAAAAAAAAAAAAA", "\"1\"", "{\"description\":\"x\"}"), 404, "not-found");
        assertThat(MANAGER.get(id).orElseThrow().version()).isEqualTo(1);
        assertThat(LIFECYCLE.events).isEmpty();
    }

    @Test
    void theCallerGrantsOnlyWhatItHoldsAndCannotTouchAWiderKey() {
        String id = billingKey().record().id();
        String root = MANAGER.issue(KeyRequest.builder().owner("root").scopes("*").build()).record().id();
        LIFECYCLE.events.clear();

        Problems.assertProblem(patch(id, "\"1\"", "{\"scopes\":[\"reports:read\"]}"), 403, "forbidden");
        Problems.assertProblem(patch(root, "\"1\"", "{\"description\":\"x\"}"), 403, "forbidden");

        assertThat(LIFECYCLE.events).extracting(LifecycleEvent::action).containsOnly(LifecycleEvent.Action.DENIED);
        assertThat(LIFECYCLE.events).extracting(LifecycleEvent::target).containsExactly(id, root);
    }

    @Test
    void aKeyTheStoreCannotTakeIsA409NotA500() throws Exception {
        InMemoryKeyStore backing = new InMemoryKeyStore();
        dev.apikey.spi.KeyStore refusing = new dev.apikey.spi.ForwardingKeyStore(backing) {
            @Override
            public dev.apikey.KeyRecord create(dev.apikey.KeyRecord record) {
                if (record.owner().equals("clash")) {
                    throw new dev.apikey.spi.DuplicateKeyException(record.id());
                }
                return super.create(record);
            }
        };
        KeyManager manager = KeyManager.builder(refusing).build();
        String admin = manager.issue(KeyRequest.builder().owner("ops").scopes(AdminScopes.ISSUE).build()).key().reveal();
        try (ApiKeyVerifier v = ApiKeyVerifier.builder(refusing).from(manager).auditSink(e -> { }).build();
             JerseyServer s = JerseyServer.start(new ResourceConfig().register(new ApiKeyFeature(v).withAdmin(manager)))) {
            Problems.assertProblem(s.post("/admin/keys", "{\"owner\":\"clash\",\"scopes\":[]}", "X-API-Key", admin),
                    409, "conflict", admin);
        }
    }

    private static String field(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode f = JerseyServer.json(r).path("field");
        return f.isMissingNode() ? null : f.asText();
    }
}
