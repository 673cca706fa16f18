package dev.apikey.examples;

import dev.apikey.cli.ApiKeyCli;
import dev.apikey.jdbc.PostgresSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The demo with {@code --store jdbc:postgresql://...} on the real PostgreSQL server: it serves keys the CLI issued
 * into the same database, refuses them once the CLI revoked them, and a second start keeps the first start's keys.
 */
class DemoJdbcTest {
    @RegisterExtension
    static final PostgresSchema DB = new PostgresSchema();

    @TempDir
    Path dir;

    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ApiKeyCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }

    private static String field(String out, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\S+)").matcher(out);
        assertThat(m.find()).as(name + " in " + out).isTrue();
        return m.group(1);
    }

    @Test
    void servesKeysTheCliIssuedIntoTheSameDatabaseAndKeepsEarlierKeysAcrossRestarts() throws Exception {
        DB.truncate();
        String issued = cli("issue", "--store", DB.url(), "--owner", "partner", "-s", "billing:read");
        String cliKey = field(issued, "key");
        String cliId = field(issued, "id");

        Path first = dir.resolve("first.json");
        String firstReader;
        try (DemoServer.Running demo = DemoServer.start("--port", "0", "--store", DB.url(), "--keys-out", first.toString())) {
            DemoClient http = new DemoClient(demo.port());
            assertThat(http.get("/api/invoices", cliKey).statusCode()).isEqualTo(200);
            firstReader = DemoClient.keys(first).get("reader").get("key").asText();
            assertThat(http.get("/api/invoices", firstReader).statusCode()).isEqualTo(200);
            assertThat(http.get("/reports/usage", DemoClient.keys(first).get("reports").get("key").asText()).statusCode())
                    .as("the servlet app shares the store").isEqualTo(200);

            cli("revoke", "--store", DB.url(), cliId);
            assertThat(http.get("/api/invoices", cliKey).statusCode()).as("revoked by the CLI").isEqualTo(401);
        }

        Path second = dir.resolve("second.json");
        try (DemoServer.Running demo = DemoServer.start("--port", "0", "--store", DB.url(), "--keys-out", second.toString())) {
            DemoClient http = new DemoClient(demo.port());
            String secondReader = DemoClient.keys(second).get("reader").get("key").asText();
            assertThat(secondReader).as("a fresh set of demo keys").isNotEqualTo(firstReader);
            assertThat(http.get("/api/invoices", secondReader).statusCode()).isEqualTo(200);
            assertThat(http.get("/api/invoices", firstReader).statusCode()).as("the first start's key").isEqualTo(200);
            assertThat(http.get("/api/invoices", cliKey).statusCode()).as("still revoked").isEqualTo(401);
        }
    }

    @Test
    void aPasswordInTheStoreUrlIsRefusedWithoutRepeatingIt() {
        String secret = "Not-For-Logs-77";
        assertThatThrownBy(() -> DemoServer.start(Map.<String, String>of()::get, "--port", "0",
                "--store", DB.url() + "&password=" + secret, "--keys-out", dir.resolve("k.json").toString()))
                .hasMessageContaining(DemoDatabase.PASSWORD_ENV)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
    }
}
