package dev.apikey.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.hazelcast.HazelcastOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two demo servers started with {@code --cluster} (two embedded members in this JVM, on a port range of
 * their own, with the cluster secret in their environment) share keys issued on one and revocations made on the
 * other; their members listen on loopback only; without the secret, cluster mode refuses to start.
 */
class DemoClusterTest {
    private static final String PORTS = "5761-5770";
    @TempDir
    static Path dir;
    static DemoServer.Running a;
    static DemoServer.Running b;

    /** The environment the servers see: a cluster secret, as a deployment sets it. */
    static final Map<String, String> ENV = Map.of(HazelcastOptions.CLUSTER_SECRET_ENV,
            Base64.getEncoder().encodeToString("demo cluster test secret, 32+ bytes".getBytes(StandardCharsets.UTF_8)));

    @BeforeAll
    static void start() throws Exception {
        a = DemoServer.start(ENV::get, "--port", "0", "--cluster", "--cluster-ports", PORTS, "--keys-out",
                dir.resolve("a.json").toString());
        b = DemoServer.start(ENV::get, "--port", "0", "--cluster", "--cluster-ports", PORTS, "--keys-out",
                dir.resolve("b.json").toString());
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void aKeyIssuedOnOneServerWorksOnTheOtherAndARevocationOnTheOtherReachesTheFirst() {
        DemoClient onA = new DemoClient(a.port());
        DemoClient onB = new DemoClient(b.port());
        String adminA = DemoClient.keys(dir.resolve("a.json")).get("admin").get("key").asText();
        String adminB = DemoClient.keys(dir.resolve("b.json")).get("admin").get("key").asText();

        JsonNode created = DemoClient.json(onA.post("/admin/keys", adminA,
                "{\"owner\":\"shared\",\"scopes\":[\"billing:read\"]}").body());
        String key = created.get("key").asText();
        String id = created.get("id").asText();
        assertThat(onB.get("/api/invoices", key).statusCode()).isEqualTo(200);
        assertThat(onA.get("/api/invoices", key).statusCode()).isEqualTo(200);

        assertThat(onB.post("/admin/keys/" + id + "/revoke", adminB, null).statusCode()).isEqualTo(200);
        assertThat(onB.get("/api/invoices", key).statusCode()).isEqualTo(401);
        assertThat(onA.awaitStatus("/api/invoices", key, 401)).isEqualTo(401);
    }

    @Test
    void clusterModeRefusesToStartWithoutTheSecretInOneLineThatNamesTheVariable() {
        String secretLike = "c2hvcnQ=";
        assertThatThrownBy(() -> DemoServer.start(n -> null, "--port", "0", "--cluster", "--cluster-ports", "5771-5772",
                "--keys-out", dir.resolve("none.json").toString()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining(HazelcastOptions.CLUSTER_SECRET_ENV)
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> DemoServer.start(Map.of(HazelcastOptions.CLUSTER_SECRET_ENV, secretLike)::get, "--port",
                "0", "--cluster", "--cluster-ports", "5771-5772", "--keys-out", dir.resolve("short.json").toString()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("at least 32 bytes")
                .hasMessageNotContaining(secretLike);
    }

    @Test
    void theMembersListenOnLoopbackOnlyNotOnEveryAddress() throws Exception {
        int listening = 0;
        String[] range = PORTS.split("-");
        for (int p = Integer.parseInt(range[0]); p <= Integer.parseInt(range[1]); p++) {
            if (accepts("127.0.0.1", p)) {
                listening++;
                assertThat(accepts("127.0.0.2", p)).as("port %d on another loopback address", p).isFalse();
            }
        }
        // At least this test's two members; another build on the same machine may hold ports of the range too.
        assertThat(listening).isGreaterThanOrEqualTo(2);
    }

    private static boolean accepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1_000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    @Test
    void rateLimitsAreSharedBetweenTheServers() {
        DemoClient onA = new DemoClient(a.port());
        DemoClient onB = new DemoClient(b.port());
        String limited = DemoClient.keys(dir.resolve("a.json")).get("limited").get("key").asText();
        int ok = 0;
        for (int i = 0; i < 8; i++) {
            if ((i % 2 == 0 ? onA : onB).get("/api/invoices", limited).statusCode() == 200) {
                ok++;
            }
        }
        assertThat(ok).isEqualTo(5);
    }
}
