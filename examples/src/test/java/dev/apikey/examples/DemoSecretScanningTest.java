package dev.apikey.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo exposes GitHub's secret-scanning partner endpoint: a report signed with a key that a local stand-in for
 * {@code api.github.com/meta/public_keys/secret_scanning} publishes revokes the reported demo key at once, and an
 * unsigned one is refused.
 */
class DemoSecretScanningTest {
    @TempDir
    static Path dir;
    static HttpServer keyServer;
    static KeyPair github;
    static DemoServer.Running demo;
    static JsonNode keys;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        github = g.generateKeyPair();
        String pem = "-----BEGIN PUBLIC KEY-----\\n" + Base64.getEncoder().encodeToString(github.getPublic().getEncoded())
                + "\\n-----END PUBLIC KEY-----\\n";
        byte[] list = ("{\"public_keys\":[{\"key_identifier\":\"demo-1\",\"key\":\"" + pem + "\",\"is_current\":true}]}")
                .getBytes(StandardCharsets.UTF_8);
        keyServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        keyServer.createContext("/keys", ex -> {
            ex.sendResponseHeaders(200, list.length);
            ex.getResponseBody().write(list);
            ex.close();
        });
        keyServer.start();
        Path keysFile = dir.resolve("demo-keys.json");
        demo = DemoServer.start("--port", "0", "--keys-out", keysFile.toString(),
                "--github-keys-url", "http://127.0.0.1:" + keyServer.getAddress().getPort() + "/keys");
        keys = DemoClient.keys(keysFile);
    }

    @AfterAll
    static void stop() {
        demo.close();
        keyServer.stop(0);
    }

    private static HttpResponse<String> report(String body, String signature) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + "/secret-scanning/github"))
                .header("Content-Type", "application/json").header("Github-Public-Key-Identifier", "demo-1")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            b.header("Github-Public-Key-Signature", signature);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSignedReportRevokesTheLeakedDemoKeyAndAnUnsignedOneIsRefused() throws Exception {
        String leaked = keys.get("reports").get("key").asText();
        DemoClient http = new DemoClient(demo.port());
        assertThat(http.get("/reports/usage", leaked).statusCode()).isEqualTo(200);
        String body = "[{\"token\":\"" + leaked + "\",\"type\":\"apikey_live\",\"url\":\"https://github.com/o/r\"}]";

        assertThat(report(body, null).statusCode()).isEqualTo(401);
        assertThat(http.get("/reports/usage", leaked).statusCode()).isEqualTo(200);

        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(github.getPrivate());
        s.update(body.getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = report(body, Base64.getEncoder().encodeToString(s.sign()));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("true_positive").doesNotContain(leaked);
        assertThat(http.get("/reports/usage", leaked).statusCode()).isEqualTo(401);
    }
}
