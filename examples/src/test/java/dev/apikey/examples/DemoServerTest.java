package dev.apikey.examples;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo server started in-process and probed over HTTP on every endpoint of the DESIGN.md contract. */
class DemoServerTest {
    @TempDir
    static Path dir;
    static DemoServer.Running server;
    static DemoClient http;
    static JsonNode keys;

    @BeforeAll
    static void start() throws Exception {
        Path keysFile = dir.resolve("demo-keys.json");
        server = DemoServer.start("--port", "0", "--keys-out", keysFile.toString());
        http = new DemoClient(server.port());
        keys = DemoClient.keys(keysFile);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String key(String name) {
        return keys.get(name).get("key").asText();
    }

    @Test
    void theKeysFileHoldsTheFiveDemoKeysReadableByItsOwnerOnly() throws Exception {
        assertThat(keys.fieldNames()).toIterable().containsExactly("reader", "writer", "reports", "limited", "admin");
        assertThat(keys.get("writer").get("scopes").toString()).isEqualTo("[\"billing:read\",\"billing:write\"]");
        assertThat(keys.get("reader").get("id").asText()).startsWith("key_");
        assertThat(Files.getPosixFilePermissions(dir.resolve("demo-keys.json")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void healthIsPublic() {
        HttpResponse<String> r = http.get("/api/health", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("ok");
    }

    @Test
    void invoicesNeedBillingReadAndWrite() {
        assertThat(http.get("/api/invoices", null).statusCode()).isEqualTo(401);
        assertThat(http.get("/api/invoices", key("reports")).statusCode()).isEqualTo(403);
        HttpResponse<String> list = http.get("/api/invoices", key("reader"));
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(DemoClient.json(list.body()).isArray()).isTrue();
        assertThat(http.post("/api/invoices", key("reader"), "{\"customer\":\"x\",\"amount\":1}").statusCode()).isEqualTo(403);
        HttpResponse<String> created = http.post("/api/invoices", key("writer"), "{\"customer\":\"x\",\"amount\":1}");
        assertThat(created.statusCode()).isEqualTo(201);
    }

    @Test
    void whoamiDescribesTheKeyWithoutShowingIt() {
        HttpResponse<String> r = http.get("/api/whoami", key("writer"));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode me = DemoClient.json(r.body());
        assertThat(me.get("id").asText()).isEqualTo(keys.get("writer").get("id").asText());
        assertThat(me.get("owner").asText()).isEqualTo("demo-writer");
        assertThat(me.get("environment").asText()).isEqualTo("live");
        assertThat(me.get("scopes").toString()).contains("billing:write");
        assertThat(r.body()).doesNotContain(key("writer"));
    }

    @Test
    void theServletAppFromWebXmlNeedsReportsRead() {
        assertThat(http.get("/reports/usage", null).statusCode()).isEqualTo(401);
        HttpResponse<String> denied = http.get("/reports/usage", key("reader"));
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("scope=\"reports:read\"");
        HttpResponse<String> ok = http.get("/reports/usage", key("reports"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(DemoClient.json(ok.body()).get("authType").asText()).isEqualTo("APIKEY");
    }

    @Test
    void theLimitedKeyGetsFiveRequestsAMinute() {
        int ok = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 7; i++) {
            last = http.get("/api/invoices", key("limited"));
            if (last.statusCode() == 200) {
                ok++;
            }
        }
        assertThat(ok).isEqualTo(5);
        assertThat(last.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow())).isGreaterThanOrEqualTo(1);
        assertThat(last.headers().firstValue("RateLimit-Policy").orElseThrow()).isEqualTo("\"5-per-1m\";q=5;w=60");
    }

    @Test
    void theAdminApiCreatesRotatesAndRevokesKeys() {
        assertThat(http.get("/admin/keys", key("reader")).statusCode()).isEqualTo(403);
        HttpResponse<String> created = http.post("/admin/keys", key("admin"),
                "{\"owner\":\"partner-x\",\"scopes\":[\"billing:read\"],\"rateLimit\":\"100/1s\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode c = DemoClient.json(created.body());
        String id = c.get("id").asText();
        String newKey = c.get("key").asText();
        assertThat(http.get("/api/invoices", newKey).statusCode()).isEqualTo(200);

        HttpResponse<String> one = http.get("/admin/keys/" + id, key("admin"));
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.body()).contains("partner-x").doesNotContain(newKey);
        assertThat(http.get("/admin/keys", key("admin")).body()).contains(id).doesNotContain(newKey);

        HttpResponse<String> rotated = http.post("/admin/keys/" + id + "/rotate", key("admin"), "{\"gracePeriod\":\"PT1H\"}");
        assertThat(rotated.statusCode()).isEqualTo(201);
        String successor = DemoClient.json(rotated.body()).get("key").asText();
        String successorId = DemoClient.json(rotated.body()).get("id").asText();
        assertThat(http.get("/api/invoices", newKey).statusCode()).isEqualTo(200);
        assertThat(http.get("/api/invoices", successor).statusCode()).isEqualTo(200);

        assertThat(http.post("/admin/keys/" + successorId + "/revoke", key("admin"), null).statusCode()).isEqualTo(200);
        HttpResponse<String> rejected = http.get("/api/invoices", successor);
        assertThat(rejected.statusCode()).isEqualTo(401);
        assertThat(rejected.body()).contains("invalid-key").doesNotContain(successor);
        assertThat(http.get("/api/invoices", newKey).statusCode()).as("the predecessor, in its grace").isEqualTo(401);
        assertThat(http.get("/admin/keys/key_unknown", key("admin")).statusCode()).isEqualTo(404);
    }

    @Test
    void theAdminKeyHoldsTheScopesItMayGrantAndNoMore() {
        assertThat(keys.get("admin").get("scopes").toString()).isEqualTo("[\"apikeys:admin\",\"billing:*\",\"reports:read\"]");
        assertThat(http.post("/admin/keys", key("admin"), "{\"owner\":\"x\",\"scopes\":[\"billing:write\",\"reports:read\"]}")
                .statusCode()).isEqualTo(201);
        for (String scopes : List.of("[\"*\"]", "[\"reports:write\"]", "[\"apikeys:*\"]")) {
            HttpResponse<String> r = http.post("/admin/keys", key("admin"), "{\"owner\":\"x\",\"scopes\":" + scopes + "}");
            assertThat(r.statusCode()).as(scopes).isEqualTo(403);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
        HttpResponse<String> longGrace = http.post("/admin/keys/" + keys.get("reader").get("id").asText() + "/rotate",
                key("admin"), "{\"gracePeriod\":\"P36500D\"}");
        assertThat(longGrace.statusCode()).isEqualTo(400);
        assertThat(http.get("/api/invoices", key("reader")).statusCode()).isEqualTo(200);
    }

    @Test
    void everyLifecycleChangeLogsOneInfoAuditLineWithTheActingAndTargetIds() {
        Logger audit = Logger.getLogger("dev.apikey.audit");
        Level saved = audit.getLevel();
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel() == Level.INFO) {
                    lines.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        audit.setLevel(Level.INFO);
        audit.addHandler(handler);
        try {
            JsonNode created = DemoClient.json(http.post("/admin/keys", key("admin"),
                    "{\"owner\":\"audited\",\"scopes\":[\"billing:read\"]}").body());
            String id = created.get("id").asText();
            JsonNode rotated = DemoClient.json(http.post("/admin/keys/" + id + "/rotate", key("admin"),
                    "{\"gracePeriod\":\"PT1H\"}").body());
            String successorId = rotated.get("id").asText();
            http.post("/admin/keys/" + successorId + "/suspend", key("admin"), null);
            http.post("/admin/keys/" + successorId + "/resume", key("admin"), null);
            http.post("/admin/keys/" + successorId + "/revoke", key("admin"), null);

            List<String> changes = lines.stream().filter(l -> l.contains(id) || l.contains(successorId)).toList();
            assertThat(changes).hasSize(6)
                    .allSatisfy(l -> assertThat(l).contains(keys.get("admin").get("id").asText())
                            .doesNotContain(created.get("key").asText()).doesNotContain(rotated.get("key").asText()));
        } finally {
            audit.removeHandler(handler);
            audit.setLevel(saved);
        }
    }

    @Test
    void metricsArePrometheusTextForAnAdminKeyAndRefusedToOthers() {
        http.get("/api/invoices", key("reader"));
        http.get("/api/invoices", "ak_live_not-a-key");

        assertThat(http.get("/metrics", null).statusCode()).isEqualTo(401);
        assertThat(http.get("/metrics", key("reader")).statusCode()).isEqualTo(403);
        var r = http.get("/metrics", key("admin"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        assertThat(r.body()).contains("apikey_decisions_total{adapter=\"jaxrs\",outcome=\"allowed\"}")
                .contains("apikey_decisions_total{adapter=\"jaxrs\",outcome=\"malformed_key\"}")
                .contains("apikey_verification_seconds_count{adapter=\"jaxrs\"}")
                .containsPattern("apikey_store_records [5-9]\\.0|apikey_store_records \\d\\d+\\.0")
                .containsPattern("apikey_lifecycle_total\\{action=\"issue\"\\} ([5-9]|\\d\\d+)\\.0")
                .doesNotContain(key("reader")).doesNotContain(key("admin"));
    }
}
