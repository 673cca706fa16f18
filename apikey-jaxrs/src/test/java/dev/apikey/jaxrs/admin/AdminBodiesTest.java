package dev.apikey.jaxrs.admin;

import dev.apikey.ApiKeyVerifier;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.jaxrs.ApiKeyFeature;
import dev.apikey.jaxrs.JerseyServer;
import dev.apikey.jaxrs.Problems;
import dev.apikey.spi.KeyQuery;
import dev.apikey.store.InMemoryKeyStore;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and malformed admin bodies over HTTP: each gets a 400 (413 when too large) {@code application/problem+json}
 * that names no Java class, and changes nothing.
 */
class AdminBodiesTest {
    private static final InMemoryKeyStore STORE = new InMemoryKeyStore();
    private static final KeyManager MANAGER = KeyManager.builder(STORE).build();
    private static ApiKeyVerifier verifier;
    private static JerseyServer server;
    private static String admin;

    @BeforeAll
    static void start() {
        verifier = ApiKeyVerifier.builder(STORE).from(MANAGER).auditSink(event -> { }).build();
        server = JerseyServer.start(new ResourceConfig().register(new ApiKeyFeature(verifier).withAdmin(MANAGER)));
        admin = MANAGER.issue(KeyRequest.builder().owner("ops").scopes(AdminResource.SCOPE, "billing:*").build()).key().reveal();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        verifier.close();
    }

    private static HttpResponse<String> post(String path, String json) {
        return server.post(path, json, "X-API-Key", admin);
    }

    private static String create(String json) {
        HttpResponse<String> r = post("/admin/keys", json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JerseyServer.json(r).path("id").asText();
    }

    private static void assertNoClassNames(HttpResponse<String> r) {
        assertThat(r.body()).doesNotContainPattern("(java|jakarta|com\\.fasterxml|org\\.glassfish|dev\\.apikey)\\.[a-z]")
                .doesNotContain("Exception").doesNotContain("LinkedHashMap");
    }

    static Stream<Arguments> malformedBodies() {
        String scopes65 = IntStream.range(0, 65).mapToObj(i -> "\"billing:s" + i + "\"").collect(Collectors.joining(","));
        String cidrs33 = IntStream.range(0, 33).mapToObj(i -> "\"10.0." + i + ".0/24\"").collect(Collectors.joining(","));
        return Stream.of(
                Arguments.of("an array", "[]"),
                Arguments.of("an array of objects", "[{\"owner\":\"x\",\"scopes\":[]}]"),
                Arguments.of("a number", "42"),
                Arguments.of("a string", "\"owner\""),
                Arguments.of("null", "null"),
                Arguments.of("true", "true"),
                Arguments.of("broken JSON", "{\"owner\":"),
                Arguments.of("not JSON", "owner=x"),
                Arguments.of("trailing content", "{\"owner\":\"x\",\"scopes\":[]} {}"),
                Arguments.of("empty", ""),
                Arguments.of("a duplicate member", "{\"owner\":\"a\",\"owner\":\"b\",\"scopes\":[]}"),
                Arguments.of("a duplicate scopes member", "{\"owner\":\"a\",\"scopes\":[\"billing:read\"],\"scopes\":[\"*\"]}"),
                Arguments.of("a duplicate label", "{\"owner\":\"a\",\"scopes\":[],\"labels\":{\"x\":\"1\",\"x\":\"2\"}}"),
                Arguments.of("an unknown field", "{\"owner\":\"x\",\"scopes\":[],\"admin\":true}"),
                Arguments.of("owner as an object", "{\"owner\":{\"name\":\"x\"},\"scopes\":[]}"),
                Arguments.of("scopes as an object", "{\"owner\":\"x\",\"scopes\":{\"a\":1}}"),
                Arguments.of("a scope as a number", "{\"owner\":\"x\",\"scopes\":[1]}"),
                Arguments.of("a nested scope list", "{\"owner\":\"x\",\"scopes\":[[\"billing:read\"]]}"),
                Arguments.of("credits as a fraction", "{\"owner\":\"x\",\"scopes\":[],\"credits\":1.5}"),
                Arguments.of("credits beyond long", "{\"owner\":\"x\",\"scopes\":[],\"credits\":99999999999999999999999}"),
                Arguments.of("labels as a list", "{\"owner\":\"x\",\"scopes\":[],\"labels\":[\"a\"]}"),
                Arguments.of("a label as a number", "{\"owner\":\"x\",\"scopes\":[],\"labels\":{\"a\":1}}"),
                Arguments.of("65 scopes", "{\"owner\":\"x\",\"scopes\":[" + scopes65 + "]}"),
                Arguments.of("33 CIDRs", "{\"owner\":\"x\",\"scopes\":[],\"allowedCidrs\":[" + cidrs33 + "]}"),
                Arguments.of("a long rate limit", "{\"owner\":\"x\",\"scopes\":[],\"rateLimit\":\"" + "1/1s, ".repeat(200) + "1/1s\"}"),
                Arguments.of("a long owner", "{\"owner\":\"" + "o".repeat(129) + "\",\"scopes\":[]}"),
                Arguments.of("a right-to-left override in the owner", "{\"owner\":\"ops\\u202Egnp.exe\",\"scopes\":[]}"),
                Arguments.of("a raw bidi isolate in the owner", "{\"owner\":\"ops\u2066x\u2069\",\"scopes\":[]}"),
                Arguments.of("a left-to-right mark in the tenant", "{\"owner\":\"x\",\"tenant\":\"a\\u200Eb\",\"scopes\":[]}"),
                Arguments.of("an Arabic letter mark in a label", "{\"owner\":\"x\",\"scopes\":[],\"labels\":{\"team\":\"a\\u061Cb\"}}"),
                Arguments.of("a lone high surrogate in the owner", "{\"owner\":\"x\\uD800\",\"scopes\":[]}"),
                Arguments.of("a lone low surrogate in a label name", "{\"owner\":\"x\",\"scopes\":[],\"labels\":{\"\\uDC00\":\"v\"}}"),
                Arguments.of("deep nesting", "{\"owner\":\"x\",\"scopes\":[],\"labels\":" + "[".repeat(2000) + "]".repeat(2000) + "}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedBodies")
    void malformedCreateBodiesGet400ProblemJsonWithoutClassNames(String what, String json) {
        int keys = MANAGER.list(KeyQuery.all()).size();

        HttpResponse<String> r = post("/admin/keys", json);

        Problems.assertProblem(r, 400, "invalid-request", admin);
        assertNoClassNames(r);
        assertThat(MANAGER.list(KeyQuery.all())).hasSize(keys);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[]", "\"PT1H\"", "3600", "{\"gracePeriod\":\"PT1H\",\"gracePeriod\":\"P36500D\"}",
            "{\"gracePeriod\":[\"PT1H\"]}", "{\"gracePeriod\":\"PT1H\"", ""})
    void malformedRotateBodiesGet400ProblemJsonWithoutClassNames(String json) {
        String id = create("{\"owner\":\"rotate-body\",\"scopes\":[]}");

        HttpResponse<String> r = post("/admin/keys/" + id + "/rotate", json);

        Problems.assertProblem(r, 400, "invalid-request", admin);
        assertNoClassNames(r);
        assertThat(MANAGER.get(id).orElseThrow().replacedBy()).isNull();
    }

    @Test
    void anOversizedBodyIsRefusedWithoutBeingReadWhole() {
        String json = "{\"owner\":\"x\",\"scopes\":[],\"labels\":{\"a\":\"" + "v".repeat(1 << 20) + "\"}}";

        Problems.assertProblem(post("/admin/keys", json), 413, "too-large", admin);
    }
}
