package dev.apikey.cli;

import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.Outcome;
import dev.apikey.store.FileKeyStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code apikey import} against a file store: CSV and JSON lines, dry runs, re-runs and bad rows. */
class ImportCommandTest {
    private static final String PARTNER = "sk_live_51HxLegacyPartnerKey0042";
    private static final String INTERNAL = "internal-token-0123456789abcdef";

    @TempDir
    Path dir;

    private String store() {
        return "file:" + dir.resolve("keys.json");
    }

    @BeforeEach
    void emptyStore() {
        FileKeyStore.builder(dir.resolve("keys.json")).build();
    }

    private Path file(String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    private Outcome verify(String key) {
        try (ApiKeyVerifier v = ApiKeyVerifier.builder(FileKeyStore.builder(dir.resolve("keys.json")).build())
                .legacyKeys(true).auditSink(e -> { }).build()) {
            return v.verify(AccessRequest.builder().remoteAddress("127.0.0.1")
                    .headers(n -> n.equalsIgnoreCase("x-api-key") ? List.of(key) : List.of()).build()).outcome();
        }
    }

    @Test
    void csvAndJsonLinesImportByPlaintextOrDigestAndAReRunSkipsWhatIsStored() throws Exception {
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(INTERNAL.getBytes(StandardCharsets.UTF_8)));
        Path csv = file("keys.csv", "key,sha256,owner,scopes,rateLimit,labels,expiresAt\n"
                + PARTNER + ",,partner-x,billing:read reports:read,100/1m per owner,\"plan=gold;crm=C-1\",2099-01-01T00:00:00Z\n"
                + "," + digest + ",internal-jobs,billing:read,,,\n");

        CliRun dry = CliRun.of("import", "--store", store(), csv.toString(), "--dry-run");
        assertThat(dry.code()).as(dry.all()).isZero();
        assertThat(dry.out()).contains("would import 2");
        assertThat(verify(PARTNER)).isEqualTo(Outcome.UNKNOWN_KEY);

        CliRun run = CliRun.of("import", "--store", store(), csv.toString());
        assertThat(run.code()).as(run.all()).isZero();
        assertThat(run.out()).contains("line 2: imported key_").contains("(legacy)").contains("imported 2, skipped 0");
        assertThat(run.all()).doesNotContain(PARTNER).doesNotContain(digest);
        assertThat(verify(PARTNER)).isEqualTo(Outcome.ALLOWED);
        assertThat(verify(INTERNAL)).isEqualTo(Outcome.ALLOWED);

        Path jsonl = file("more.jsonl", "{\"key\":\"" + PARTNER + "\",\"owner\":\"partner-x\"}\n"
                + "{\"key\":\"ghp_AnotherSystemsToken0001\",\"owner\":\"ci\",\"scopes\":[\"builds:read\"],\"labels\":{\"team\":\"ci\"}}\n");
        CliRun again = CliRun.of("import", "--store", store(), jsonl.toString());
        assertThat(again.code()).as(again.all()).isZero();
        assertThat(again.out()).contains("line 1: skipped: already stored").contains("imported 1, skipped 1");
        assertThat(CliRun.of("review", "--store", store(), "--fail-on", "legacy").code()).isEqualTo(1);
    }

    @Test
    void theExampleFileOfTheAdoptingPageImportsAsItSays() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "adopting.md"));
        int marker = doc.indexOf("<!-- run: ImportCommandTest -->");
        int start = doc.indexOf("```text\n", marker) + "```text\n".length();
        String example = doc.substring(start, doc.indexOf("```", start));
        Path csv = file("keys.csv", example);

        CliRun dry = CliRun.of("import", "--store", store(), csv.toString(), "--dry-run");
        CliRun run = CliRun.of("import", "--store", store(), csv.toString());

        assertThat(marker).isPositive();
        assertThat(dry.out()).as(dry.all()).contains("would import 2");
        assertThat(run.code()).as(run.all()).isZero();
        assertThat(run.out()).contains("imported 2, skipped 0");
        assertThat(verify("sk_live_51HxLegacyPartnerKey0042")).isEqualTo(Outcome.ALLOWED);
    }

    @Test
    void aBadRowStopsTheWholeImportUnlessSkippedAndNoErrorQuotesAKey() throws Exception {
        Path csv = file("keys.csv", "key,owner,scopes\n"
                + PARTNER + ",partner-x,billing:read\n"
                + "short-key,partner-y,billing:read\n"
                + "\"unclosed-quote-0123456789,partner-z,billing:read\n"
                + INTERNAL + ",partner-w,not a scope\n");

        CliRun refused = CliRun.of("import", "--store", store(), csv.toString());
        assertThat(refused.code()).isEqualTo(ApiKeyCli.ERROR);
        assertThat(refused.out()).contains("line 3: error").contains("line 4: error").contains("line 5: error")
                .contains("imported 0 of 4");
        assertThat(refused.all()).doesNotContain("short-key").doesNotContain(PARTNER).doesNotContain(INTERNAL)
                .doesNotContain("unclosed-quote");
        assertThat(verify(PARTNER)).isEqualTo(Outcome.UNKNOWN_KEY);

        CliRun partial = CliRun.of("import", "--store", store(), csv.toString(), "--skip-errors");
        assertThat(partial.code()).isEqualTo(1);
        assertThat(partial.out()).contains("imported 1, skipped 0 already stored, 3 bad");
        assertThat(verify(PARTNER)).isEqualTo(Outcome.ALLOWED);

        assertThat(CliRun.of("import", "--store", store(), dir.resolve("missing.csv").toString()).code())
                .isEqualTo(ApiKeyCli.ERROR);
        assertThat(CliRun.of("import", "--store", store(), file("keys.txt", "x").toString()).err())
                .contains("--format csv");
        assertThat(CliRun.of("import", "--store", store(), file("bad.csv", "key,owner,colour\n").toString()).err())
                .contains("unknown column 'colour'");
    }
}
