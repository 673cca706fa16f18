package dev.apikey.cli;

import dev.apikey.Environment;
import dev.apikey.KeyFormat;
import dev.apikey.KeyHasher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** {@code apikey scan} over real files in every output format: where a key is, never the key; exit codes for CI. */
class ScanFormatsTest {
    @TempDir
    Path dir;
    String live;
    String test;

    @BeforeEach
    void aTreeWithTwoKeys() throws Exception {
        live = KeyFormat.ofDefaults().generate(Environment.LIVE).reveal();
        test = KeyFormat.withPrefix("acme").generate(Environment.TEST).reveal();
        Files.createDirectories(dir.resolve("repo/src/config"));
        Files.writeString(dir.resolve("repo/src/config/app.properties"), "# config\napi.key=" + live + "\n");
        Files.writeString(dir.resolve("repo/README.md"), "use `" + test + "` in tests\n");
        Files.writeString(dir.resolve("repo/clean.txt"), "ak_live_" + "A".repeat(38) + "\n");
    }

    static Map<String, Object> parse(String json) {
        try {
            return com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Object json, Object... path) {
        Object o = json;
        for (Object step : path) {
            o = step instanceof Integer i ? ((List<Object>) o).get(i) : ((Map<String, Object>) o).get(step);
        }
        return (T) o;
    }

    private void assertNoKeyIn(CliRun r) {
        assertThat(r.all()).doesNotContain(live).doesNotContain(test)
                .doesNotContain(live.substring(8, 40)).doesNotContain(test.substring(10, 42))
                .doesNotContain(storeDigestHex(live)).doesNotContain(KeyHasher.sha256().digest(
                        KeyFormat.ofDefaults().parse(live)).toString());
    }

    private static String storeDigestHex(String key) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void jsonGivesFileLineColumnEnvironmentAndARedactedMatch() {
        CliRun r = CliRun.of("scan", "--format", "json", dir.resolve("repo").toString());
        assertThat(r.code()).isEqualTo(1);
        assertNoKeyIn(r);
        Map<String, Object> doc = parse(r.out());
        assertThat(doc).containsEntry("count", 2).containsEntry("errors", List.of());
        List<Map<String, Object>> findings = at(doc, "findings");
        Map<String, Object> props = findings.stream().filter(f -> f.get("file").toString().endsWith("app.properties"))
                .findFirst().orElseThrow();
        assertThat(props).containsEntry("line", 2).containsEntry("column", 9).containsEntry("environment", "live")
                .containsEntry("prefix", "ak").containsEntry("checksum", "valid")
                .containsEntry("redacted", "ak_live_\u2026" + live.substring(live.length() - 4))
                .doesNotContainKey("commit");
        Map<String, Object> readme = findings.stream().filter(f -> f.get("file").toString().endsWith("README.md"))
                .findFirst().orElseThrow();
        assertThat(readme).containsEntry("line", 1).containsEntry("column", 6).containsEntry("environment", "test");

        CliRun clean = CliRun.of("scan", "--format", "json", dir.resolve("repo/clean.txt").toString());
        assertThat(clean.code()).isZero();
        assertThat(parse(clean.out()))
                .containsEntry("count", 0).containsEntry("findings", List.of());
    }

    @Test
    void sarifIsOneRunThatCodeScanningCanIngestAndDeduplicate() {
        CliRun r = CliRun.of("scan", "--format", "sarif", dir.resolve("repo").toString());
        assertThat(r.code()).isEqualTo(1);
        assertNoKeyIn(r);
        Map<String, Object> log = parse(r.out());
        assertThat(log).containsEntry("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
                .containsEntry("version", "2.1.0");
        assertThat(at(log, "runs").toString()).isNotNull();
        assertThat((List<?>) at(log, "runs")).hasSize(1);
        Map<String, Object> driver = at(log, "runs", 0, "tool", "driver");
        assertThat(driver).containsEntry("name", "apikey scan").containsEntry("version", ApiKeyCli.VERSION)
                .containsKey("informationUri");
        assertThat((String) at(driver, "rules", 0, "id")).isEqualTo("apikey/leaked-key");
        assertThat((String) at(driver, "rules", 0, "shortDescription", "text")).isNotBlank();
        assertThat((String) at(driver, "rules", 0, "help", "text")).contains("Revoke");
        assertThat(Double.parseDouble(at(driver, "rules", 0, "properties", "security-severity"))).isBetween(9.0, 10.0);

        List<Map<String, Object>> results = at(log, "runs", 0, "results");
        assertThat(results).hasSize(2);
        Map<String, Object> props = results.stream().filter(x -> at(x, "locations", 0, "physicalLocation",
                "artifactLocation", "uri").equals("src/config/app.properties")).findFirst().orElseThrow();
        assertThat(props).containsEntry("ruleId", "apikey/leaked-key").containsEntry("level", "error");
        assertThat((Integer) at(props, "locations", 0, "physicalLocation", "region", "startLine")).isEqualTo(2);
        assertThat((Integer) at(props, "locations", 0, "physicalLocation", "region", "startColumn")).isEqualTo(9);
        assertThat((String) at(props, "message", "text")).contains("ak_live_\u2026");
        String fingerprint = at(props, "partialFingerprints", "apikeyFinding/v1");
        assertThat(fingerprint).matches("[0-9a-f]{32}");
        assertThat(storeDigestHex(live)).doesNotContain(fingerprint);

        // The same key at the same path keeps its fingerprint across runs and line moves; at another path it differs.
        CliRun again = CliRun.of("scan", "--format", "sarif", dir.resolve("repo").toString());
        assertThat(again.out()).contains(fingerprint);
        Path moved = dir.resolve("moved");
        assertThat(moved.toFile().mkdirs()).isTrue();
        CliRun elsewhere = sarifOf(moved, "x.properties", "\n\n\napi.key=" + live + "\n");
        assertThat(elsewhere.out()).doesNotContain(fingerprint).contains("\"uri\":\"x.properties\"");
    }

    private static CliRun sarifOf(Path dir, String name, String content) {
        try {
            Files.writeString(dir.resolve(name), content);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return CliRun.of("scan", "--format", "sarif", dir.toString());
    }

    @Test
    void exitCodesAreZeroWhenCleanOneWhenFoundTwoOnError() {
        for (String format : List.of("text", "json", "sarif")) {
            assertThat(CliRun.of("scan", "--format", format, dir.resolve("repo/clean.txt").toString()).code())
                    .as(format).isZero();
            assertThat(CliRun.of("scan", "--format", format, dir.resolve("repo").toString()).code()).as(format).isEqualTo(1);
            assertThat(CliRun.of("scan", "--format", format, dir.resolve("missing").toString()).code()).as(format).isEqualTo(2);
        }
        CliRun bad = CliRun.of("scan", "--format", "xml", dir.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--format").contains("Run 'apikey scan --help' for usage.");
        assertThat(CliRun.of("scan").code()).isEqualTo(2);
        assertThat(CliRun.of("scan", "--max-bytes", "0", dir.toString()).code()).isEqualTo(2);
        assertThat(CliRun.of("scan", "--help").out()).contains("Exit codes: 0 no key found; 1 keys found; 2 an error");
    }

    @Test
    void aFileThatCannotBeReadMakesTheScanAnErrorAndTheFindingsStillShow() {
        // Root reads any file whatever its mode; /proc/self/mem is a regular file whose first bytes fail to read.
        Path unreadable = Path.of("/proc/self/mem");
        assumeThat(Files.isRegularFile(unreadable)).as("Linux /proc").isTrue();
        CliRun r = CliRun.of("scan", unreadable.toString(), dir.resolve("repo").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("apikey: error: /proc/self/mem: cannot read");
        assertThat(r.out()).contains("app.properties:2: ak_live_\u2026").contains("2 keys found");
        assertNoKeyIn(r);
    }

    @Test
    void aHostileFileNameCannotForgeOutputLines() throws Exception {
        Path forged = dir.resolve("repo/x\n0 keys found\u001b[2J.txt");
        Files.writeString(forged, live + "\n");
        CliRun r = CliRun.of("scan", forged.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out().lines()).hasSize(2).last().isEqualTo("1 key found");
        assertThat(r.out()).doesNotContain("\u001b");
        assertThat(parse(CliRun.of("scan", "--format", "json", forged.toString()).out()).toString())
                .contains("x\n0 keys found\u001b[2J.txt");
    }

    @Test
    void filesOverTheSizeLimitAreSkippedAndCounted() throws Exception {
        Files.writeString(dir.resolve("repo/big.log"), "x".repeat(5000) + live + "\n");
        CliRun r = CliRun.of("scan", "--max-bytes", "1000", dir.resolve("repo").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("2 keys found (skipped: 1 larger than 1000 bytes)").doesNotContain("big.log");
        CliRun json = CliRun.of("scan", "--format", "json", "--max-bytes", "1000", dir.resolve("repo").toString());
        assertThat((Integer) at(parse(json.out()), "skipped", "large"))
                .isEqualTo(1);
        assertThat(CliRun.of("scan", dir.resolve("repo/big.log").toString()).out()).contains("big.log:1: ak_live_");
    }
}
