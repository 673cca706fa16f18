package dev.apikey.jaxrs.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.apikey.Actor;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.Environment;
import dev.apikey.KeyFormat;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.KeyStatus;
import dev.apikey.MutableClock;
import dev.apikey.jaxrs.ApiKeyFeature;
import dev.apikey.jaxrs.JerseyServer;
import dev.apikey.leak.LeakAction;
import dev.apikey.leak.LeakReports;
import dev.apikey.spi.LifecycleEvent;
import dev.apikey.spi.LifecycleRecorder;
import dev.apikey.store.InMemoryKeyStore;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GitHub's secret-scanning partner endpoint over real HTTP (Jetty with Jersey, next to the {@code ApiKeyFeature}),
 * against a real local key server (the JDK's HttpServer) that publishes EC public keys generated here, the way
 * {@code api.github.com/meta/public_keys/secret_scanning} does.
 */
class GitHubSecretScanningTest {
    private final InMemoryKeyStore store = new InMemoryKeyStore();
    private final LifecycleRecorder recorder = new LifecycleRecorder();
    private final List<LifecycleEvent> events = recorder.events;
    private final KeyManager keys = KeyManager.builder(store).auditSink(recorder).build();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final Map<String, KeyPair> published = new LinkedHashMap<>();
    private final AtomicInteger keyFetches = new AtomicInteger();
    private HttpServer keyServer;
    private JerseyServer app;

    @BeforeEach
    void start() throws Exception {
        published.put("k1", ecKeyPair());
        keyServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        keyServer.createContext("/keys", exchange -> {
            keyFetches.incrementAndGet();
            byte[] body = keyList().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        keyServer.start();
        GitHubSecretScanning endpoint = GitHubSecretScanning.builder(
                        new LeakReports(keys.actingAs(Actor.named("github-secret-scanning")), LeakAction.REVOKE))
                .keysUrl(URI.create("http://127.0.0.1:" + keyServer.getAddress().getPort() + "/keys"))
                .minRefetch(Duration.ofMinutes(1)).clock(clock).build();
        ApiKeyVerifier verifier = ApiKeyVerifier.builder(store).from(keys).build();
        app = JerseyServer.start(new ResourceConfig(Private.class).register(new ApiKeyFeature(verifier)).register(endpoint));
    }

    /** A resource that needs a key (the feature's default for a method without annotations). */
    @jakarta.ws.rs.Path("private")
    public static class Private {
        @jakarta.ws.rs.GET
        public String get() {
            return "ok";
        }
    }

    @AfterEach
    void stop() throws Exception {
        app.close();
        keyServer.stop(0);
    }

    private static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private String keyList() {
        List<String> entries = new ArrayList<>();
        published.forEach((id, pair) -> entries.add("{\"key_identifier\":\"" + id + "\",\"key\":\"-----BEGIN PUBLIC KEY-----\\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded()).replace("\n", "\\n")
                + "\\n-----END PUBLIC KEY-----\\n\",\"is_current\":true}"));
        return "{\"public_keys\":[" + String.join(",", entries) + "]}";
    }

    private static String sign(KeyPair pair, String body) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(pair.getPrivate());
        s.update(body.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(s.sign());
    }

    private static String report(String... tokens) {
        List<String> entries = new ArrayList<>();
        for (String t : tokens) {
            entries.add("{\"token\":\"" + t + "\",\"type\":\"apikey_live\",\"url\":\"https://github.com/o/r/blob/abc/f.txt\",\"source\":\"content\"}");
        }
        return "[" + String.join(",", entries) + "]";
    }

    private HttpResponse<String> post(String body, String keyId, String signature) {
        return app.post("/secret-scanning/github", body, "Github-Public-Key-Identifier", keyId,
                "Github-Public-Key-Signature", signature);
    }

    private static String sha256Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private String issue() {
        return keys.issue(KeyRequest.builder().owner("leaky").build()).key().reveal();
    }

    @Test
    void aSignedReportRevokesOurKeysAndLabelsEveryTokenWithoutEchoingAny() throws Exception {
        String live = issue();
        var revokedKey = keys.issue(KeyRequest.builder().owner("leaky").build());
        keys.revoke(revokedKey.record().id());
        String revoked = revokedKey.key().reveal();
        String broken = live.substring(0, live.length() - 1) + (live.endsWith("A") ? 'B' : 'A');
        String stranger = KeyFormat.ofDefaults().generate(Environment.LIVE).reveal();
        String body = report(live, revoked, broken, stranger);

        HttpResponse<String> r = post(body, "k1", sign(published.get("k1"), body));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(live).doesNotContain(revoked).doesNotContain(broken).doesNotContain(stranger);
        JsonNode answer = JerseyServer.json(r);
        assertThat(answer).hasSize(4);
        assertThat(answer.get(0).get("token_hash").asText()).isEqualTo(sha256Hex(live));
        assertThat(answer.get(0).get("token_type").asText()).isEqualTo("apikey_live");
        List<String> labels = new ArrayList<>();
        answer.forEach(n -> labels.add(n.get("label").asText()));
        assertThat(labels).containsExactly("true_positive", "true_positive", "false_positive", "false_positive");
        assertThat(store.list(dev.apikey.spi.KeyQuery.all())).allSatisfy(k -> assertThat(k.status()).isEqualTo(KeyStatus.REVOKED));
        assertThat(events).filteredOn(e -> e.action() == LifecycleEvent.Action.LEAK).hasSize(2)
                .allSatisfy(e -> assertThat(e.actor()).isEqualTo("github-secret-scanning"));
        // The revoked key is refused from now on.
        assertThat(app.get("/private", "X-API-Key", stranger).statusCode()).isEqualTo(401);
        assertThat(app.get("/private", "X-API-Key", live).statusCode()).isEqualTo(401);
    }

    @Test
    void aTamperedBodyOrAWrongSignatureIsRefusedAndChangesNothing() throws Exception {
        String live = issue();
        String signed = report(issue());
        String tampered = report(live);

        HttpResponse<String> r = post(tampered, "k1", sign(published.get("k1"), signed));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(r.body()).contains("invalid-signature");
        assertThat(post(tampered, "k1", "not base64!").statusCode()).isEqualTo(401);
        assertThat(post(tampered, "k1", sign(ecKeyPair(), tampered)).statusCode()).isEqualTo(401);
        assertThat(app.post("/secret-scanning/github", tampered).statusCode()).isEqualTo(401);
        assertThat(store.list(dev.apikey.spi.KeyQuery.all())).allSatisfy(k -> assertThat(k.status()).isEqualTo(KeyStatus.ACTIVE));
        assertThat(events).noneMatch(e -> e.action() == LifecycleEvent.Action.LEAK);
    }

    @Test
    void anUnknownKeyIdMakesOneRefetchSoARotatedKeyIsAcceptedButMadeUpIdsCannotForceMore() throws Exception {
        String live = issue();
        String body = report(live);
        assertThat(post(body, "k1", sign(published.get("k1"), body)).statusCode()).isEqualTo(200);
        assertThat(keyFetches).hasValue(1);

        published.put("k2", ecKeyPair());
        clock.advance(Duration.ofMinutes(2));
        String next = report(issue());
        assertThat(post(next, "k2", sign(published.get("k2"), next)).statusCode()).isEqualTo(200);
        assertThat(keyFetches).hasValue(2);

        for (int i = 0; i < 5; i++) {
            assertThat(post(next, "made-up-" + i, sign(published.get("k2"), next)).statusCode()).isEqualTo(401);
        }
        assertThat(keyFetches).as("no fetch within a minute of the last one").hasValue(2);
        clock.advance(Duration.ofMinutes(2));
        assertThat(post(next, "made-up-again", sign(published.get("k2"), next)).statusCode()).isEqualTo(401);
        assertThat(keyFetches).hasValue(3);
    }

    @Test
    void malformedReportsGet400AndOversizedOnes413() throws Exception {
        String notAnArray = "{\"token\":\"x\"}";
        assertThat(post(notAnArray, "k1", sign(published.get("k1"), notAnArray)).statusCode()).isEqualTo(400);
        String noToken = "[{\"type\":\"x\"}]";
        assertThat(post(noToken, "k1", sign(published.get("k1"), noToken)).statusCode()).isEqualTo(400);
        String huge = "[" + "\"x\",".repeat(GitHubSecretScanning.MAX_BODY_BYTES / 4 + 1) + "\"x\"]";
        assertThat(post(huge, "k1", sign(published.get("k1"), huge)).statusCode()).isEqualTo(413);
    }
}
