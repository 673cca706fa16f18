package dev.apikey.examples;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two demo servers started with {@code --cluster} (two embedded members in this JVM, on a port range of
 * their own) share keys issued on one and revocations made on the other.
 */
class DemoClusterTest {
    private static final String PORTS = "5761-5770";
    @TempDir
    static Path dir;
    static DemoServer.Running a;
    static DemoServer.Running b;

    @BeforeAll
    static void start() throws Exception {
        a = DemoServer.start("--port", "0", "--cluster", "--cluster-ports", PORTS, "--keys-out", dir.resolve("a.json").toString());
        b = DemoServer.start("--port", "0", "--cluster", "--cluster-ports", PORTS, "--keys-out", dir.resolve("b.json").toString());
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

    /** Polls until {@code path} answers {@code status} on {@code client}, for at most 5 s. */
    private static int awaitStatus(DemoClient client, String path, String key, int status) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int last;
        do {
            last = client.get(path, key).statusCode();
            if (last == status) {
                return last;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        } while (System.nanoTime() < deadline);
        return last;
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
        assertThat(awaitStatus(onA, "/api/invoices", key, 401)).isEqualTo(401);
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
