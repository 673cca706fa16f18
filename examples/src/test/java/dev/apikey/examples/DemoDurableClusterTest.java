package dev.apikey.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.hazelcast.HazelcastOptions;
import dev.apikey.jdbc.PostgresSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * docs/cluster.md's durable cluster as a user starts it: the two demo commands of the block marked
 * {@code <!-- run: DemoDurableClusterTest -->} ({@code --cluster --store jdbc:postgresql://...}) run as two in-JVM
 * demo servers on the real PostgreSQL, on member ports of their own (5781-5790). A key issued on one verifies on the
 * other, a revocation on one is refused on both, rate limits are shared through the cluster, and after both are
 * stopped and started again the key, the revocation and the credit balance are still there.
 */
class DemoDurableClusterTest {
    private static final String PORTS = "5781-5790";
    private static final String COMMAND = "java -jar examples/target/apikey-examples.jar ";

    @RegisterExtension
    static final PostgresSchema DB = new PostgresSchema();

    @TempDir
    Path dir;

    /** The servers' environment: the cluster secret and the database password, as a deployment sets them. */
    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put(HazelcastOptions.CLUSTER_SECRET_ENV, Base64.getEncoder()
                .encodeToString("durable demo cluster test secret, 32+ bytes".getBytes(StandardCharsets.UTF_8)));
        env.put(PostgresSchema.PASSWORD_ENV, System.getenv(PostgresSchema.PASSWORD_ENV));
        return env;
    }

    /** The argument lists of the documented demo commands, with this test's database, files and ports. */
    private List<String[]> documentedCommands(String round) {
        DocBlocks block = DocBlocks.marked(DocBlocks.root().resolve("docs/cluster.md"), "run: DemoDurableClusterTest");
        List<String[]> commands = new ArrayList<>();
        for (String line : block.code().split("\n")) {
            if (!line.startsWith(COMMAND)) {
                continue;
            }
            String[] words = line.substring(COMMAND.length()).split("#")[0].replace("&", "").strip().split("\\s+");
            List<String> args = new ArrayList<>();
            for (int i = 0; i < words.length; i++) {
                args.add(words[i]);
                switch (words[i]) {
                    case "--store" -> args.add(words[++i].equals("\"$DB\"") ? DB.url() : words[i]);
                    case "--port" -> {
                        i++;
                        args.add("0");
                    }
                    case "--keys-out" -> args.add(dir.resolve(round + "-" + words[++i]).toString());
                    default -> {
                    }
                }
            }
            args.addAll(List.of("--cluster-ports", PORTS));
            commands.add(args.toArray(String[]::new));
        }
        return commands;
    }

    private static DemoServer.Running start(String[] args) throws Exception {
        return DemoServer.start(env()::get, args);
    }

    private static String keyOf(Path keysOut, String name) {
        return DemoClient.keys(keysOut).get(name).get("key").asText();
    }

    @Test
    void twoNodesShareKeysRevocationsAndLimitsAndAFullRestartKeepsKeysRevocationsAndCredits() throws Exception {
        DB.truncate();
        List<String[]> first = documentedCommands("first");
        assertThat(first).as("the documented demo commands").hasSize(2);
        assertThat(first.get(0)).contains("--cluster", "--store", DB.url());
        String key;
        String revoked;
        String revokedId;
        String paying;
        String admin;
        try (DemoServer.Running a = start(first.get(0)); DemoServer.Running b = start(first.get(1))) {
            assertThat(a.storeKind()).isEqualTo("cluster backed by postgresql");
            DemoClient onA = new DemoClient(a.port());
            DemoClient onB = new DemoClient(b.port());
            admin = keyOf(keysOut(first.get(0)), "admin");
            String adminB = keyOf(keysOut(first.get(1)), "admin");

            key = created(onA.post("/admin/keys", admin, "{\"owner\":\"partner\",\"scopes\":[\"billing:read\"]}")).get("key").asText();
            assertThat(onB.get("/api/invoices", key).statusCode()).as("issued on A, used on B").isEqualTo(200);

            JsonNode toRevoke = created(onB.post("/admin/keys", adminB, "{\"owner\":\"leaver\",\"scopes\":[\"billing:read\"]}"));
            revoked = toRevoke.get("key").asText();
            revokedId = toRevoke.get("id").asText();
            assertThat(onA.get("/api/invoices", revoked).statusCode()).isEqualTo(200);
            assertThat(onB.post("/admin/keys/" + revokedId + "/revoke", adminB, null).statusCode()).isEqualTo(200);
            assertThat(onB.get("/api/invoices", revoked).statusCode()).isEqualTo(401);
            assertThat(onA.awaitStatus("/api/invoices", revoked, 401)).as("revoked on B, refused on A").isEqualTo(401);

            paying = created(onA.post("/admin/keys", admin,
                    "{\"owner\":\"payg\",\"scopes\":[\"billing:read\"],\"credits\":3}")).get("key").asText();
            assertThat(onA.get("/api/invoices", paying).statusCode()).isEqualTo(200);
            assertThat(onB.get("/api/invoices", paying).statusCode()).isEqualTo(200);

            // 5 per minute, counted in the cluster whichever node answers.
            String limited = keyOf(keysOut(first.get(0)), "limited");
            int ok = 0;
            for (int i = 0; i < 8; i++) {
                ok += (i % 2 == 0 ? onA : onB).get("/api/invoices", limited).statusCode() == 200 ? 1 : 0;
            }
            assertThat(ok).isEqualTo(5);
        }
        assertThat(DB.queryString("SELECT status FROM apikey_keys WHERE id = '" + revokedId + "'")).isEqualTo("REVOKED");

        List<String[]> second = documentedCommands("second");
        try (DemoServer.Running a = start(second.get(0)); DemoServer.Running b = start(second.get(1))) {
            DemoClient onA = new DemoClient(a.port());
            DemoClient onB = new DemoClient(b.port());
            for (DemoClient node : List.of(onA, onB)) {
                assertThat(node.get("/api/invoices", key).statusCode()).as("the key, after a full restart").isEqualTo(200);
                assertThat(node.get("/api/invoices", revoked).statusCode()).as("the revocation").isEqualTo(401);
                assertThat(node.get("/admin/keys/" + revokedId, admin).statusCode()).as("the first start's admin key")
                        .isEqualTo(200);
            }
            assertThat(onB.get("/api/invoices", paying).statusCode()).as("the third of 3 credits").isEqualTo(200);
            assertThat(onA.get("/api/invoices", paying).statusCode()).as("credits used before the restart count")
                    .isEqualTo(429);
            assertThat(onB.get("/api/invoices", paying).statusCode()).isEqualTo(429);
        }
    }

    private static Path keysOut(String[] args) {
        return Path.of(args[List.of(args).indexOf("--keys-out") + 1]);
    }

    private static JsonNode created(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return DemoClient.json(response.body());
    }

    @Test
    void theDocumentedKeyFilesAreGitIgnored() throws Exception {
        List<String> ignored = Files.readAllLines(DocBlocks.root().resolve(".gitignore"));
        List<String> written = new ArrayList<>();
        for (String[] args : documentedCommands("doc")) {
            written.add(keysOut(args).getFileName().toString().substring("doc-".length()));
        }
        assertThat(written).hasSize(2).doesNotHaveDuplicates();
        assertThat(ignored).containsAll(written);
    }

    @Test
    void aClusterOverAFileIsRefusedInOneLine() {
        assertThatThrownBy(() -> DemoServer.start(env()::get, "--port", "0", "--cluster", "--cluster-ports", PORTS,
                "--store", "file:" + dir.resolve("keys.json"), "--keys-out", dir.resolve("k.json").toString()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("--store jdbc:postgresql://")
                .hasMessageNotContaining("\n");
    }
}
