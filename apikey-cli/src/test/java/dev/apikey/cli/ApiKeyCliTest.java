package dev.apikey.cli;

import dev.apikey.Environment;
import dev.apikey.KeyFormat;
import dev.apikey.store.FileKeyStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyCliTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @BeforeEach
    void emptyStore() {
        FileKeyStore.builder(dir.resolve("keys.json")).build();
    }

    private String store() {
        return "file:" + dir.resolve("keys.json");
    }

    private static String field(String out, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\S+)").matcher(out);
        assertThat(m.find()).as(name + " in " + out).isTrue();
        return m.group(1);
    }

    @Test
    void issueListShowSuspendResumeRotateRevokeAgainstAFileStore() throws Exception {
        CliRun issued = run("issue", "--store", store(), "--owner", "billing-app", "-s", "billing:read", "-s", "billing:write",
                "--rate-limit", "100/1s burst 20", "--quota", "1000/day");
        assertThat(issued.code()).isZero();
        String id = field(issued.out(), "id");
        String key = field(issued.out(), "key");
        assertThat(KeyFormat.ofDefaults().isValid(key)).isTrue();
        assertThat(Files.readString(dir.resolve("keys.json"))).doesNotContain(key);

        CliRun list = run("list", "--store", store());
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains(id).contains("billing-app").contains("ACTIVE").doesNotContain(key);

        CliRun show = run("show", "--store", store(), id);
        assertThat(show.out()).contains("100/1s burst 20").contains("1000/day").doesNotContain(key).doesNotContain("sha256:");

        assertThat(run("suspend", "--store", store(), id).out()).contains("SUSPENDED");
        assertThat(run("resume", "--store", store(), id).out()).contains("ACTIVE");

        CliRun rotated = run("rotate", "--store", store(), id, "--grace", "PT1H");
        assertThat(rotated.code()).isZero();
        String next = field(rotated.out(), "id");
        assertThat(run("show", "--store", store(), id).out()).contains("replacedBy:").contains(next);

        assertThat(run("revoke", "--store", store(), next).out()).contains("REVOKED");
        assertThat(run("list", "--store", store(), "--owner", "nobody").out().lines().count()).isEqualTo(1);
    }

    @Test
    void errorsAreOneClearLineAndANonZeroExit() {
        CliRun r = run("show", "--store", store(), "key_doesnotexist");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("apikey: error: no key with id key_doesnotexist");

        CliRun bad = run("issue", "--store", store(), "--owner", "a", "-s", "billing");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("resource:action").doesNotContain("Exception").doesNotContain("\tat ");

        assertThat(run("list", "--store", "memory").err()).contains("--store must be file:PATH");
        assertThat(run("list").code()).isEqualTo(2);
    }

    @Test
    void scanOfAPathThatDoesNotExistIsAnErrorNotACleanResult() throws Exception {
        Path missing = dir.resolve("no-such-dir");
        CliRun r = run("scan", missing.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("apikey: error: " + missing + ": no such file or directory");
        assertThat(r.out()).isEmpty();

        Files.writeString(dir.resolve("present.txt"), "nothing here\n");
        assertThat(run("scan", dir.resolve("present.txt").toString(), missing.toString()).code()).isEqualTo(2);
    }

    @Test
    void aStoreFileThatDoesNotExistIsAnErrorUnlessCreateIsGiven() {
        Path typo = dir.resolve("kyes.json");
        CliRun r = run("list", "--store", "file:" + typo);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("apikey: error: --store file " + typo
                + " does not exist; pass --create to create it");
        assertThat(typo).doesNotExist();

        assertThat(run("issue", "--store", "file:" + typo, "--owner", "a").code()).isEqualTo(2);
        assertThat(typo).doesNotExist();
        assertThat(run("issue", "--store", "file:" + typo, "--create", "--owner", "a").code()).isZero();
        assertThat(run("list", "--store", "file:" + typo).out()).contains("a");
    }

    @Test
    void usageErrorsNameTheCommandOnce() {
        CliRun top = run("--no-such-option");
        assertThat(top.code()).isEqualTo(2);
        assertThat(top.err()).contains("Run 'apikey --help' for usage.").doesNotContain("apikey apikey");

        CliRun sub = run("issue", "--no-such-option");
        assertThat(sub.code()).isEqualTo(2);
        assertThat(sub.err()).contains("Run 'apikey issue --help' for usage.");
    }

    @Test
    void hashReadsTheKeyFromStdinAndPrintsTheStoredDigest() throws Exception {
        String key = field(run("issue", "--store", store(), "--owner", "a").out(), "key");
        HashCommand.stdin = new ByteArrayInputStream((key + "\n").getBytes(StandardCharsets.US_ASCII));
        try {
            CliRun r = run("hash");
            assertThat(r.code()).isZero();
            assertThat(Files.readString(dir.resolve("keys.json"))).contains(r.out().strip());
            HashCommand.stdin = new ByteArrayInputStream("ak_live_nope\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(run("hash").err()).contains("not a valid API key");
        } finally {
            HashCommand.stdin = System.in;
        }
    }

    @Test
    void scanFindsRealKeysOnlyAndPrintsHintsNotKeys() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("repo/src/config"));
        String live = KeyFormat.ofDefaults().generate(Environment.LIVE).reveal();
        String test = KeyFormat.withPrefix("acme").generate(Environment.TEST).reveal();
        String broken = live.substring(0, 45) + (live.charAt(45) == 'x' ? 'y' : 'x');
        Files.writeString(tree.resolve("app.properties"), "# config\napi.key=" + live + "\nother=1\n");
        Files.writeString(dir.resolve("repo/notes.md"), "see `" + test + "` and glued:xy" + live.substring(0, 2) + live.substring(2) + "\n");
        Files.writeString(dir.resolve("repo/lookalikes.txt"), broken + "\n"
                + "ak_live_" + "A".repeat(38) + "\n" + "ak_prod_" + live.substring(8) + "\n" + "sk_live_short\n");
        Files.write(dir.resolve("repo/binary.bin"), new byte[] {0, 1, 2, (byte) 0xff, 10});

        CliRun r = run("scan", dir.resolve("repo").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("app.properties:2: ak_live_\u2026" + live.substring(42))
                .contains("notes.md:1: acme_test_\u2026" + test.substring(test.length() - 4))
                .contains("3 keys found")
                .doesNotContain(live).doesNotContain(test).doesNotContain("lookalikes");

        CliRun clean = run("scan", dir.resolve("repo/binary.bin").toString());
        assertThat(clean.code()).isZero();
        assertThat(clean.out()).contains("0 keys found");
    }

    @Test
    void scanWithRevokeRevokesTheLiveKeysItFinds() throws Exception {
        String id = field(run("issue", "--store", store(), "--owner", "a").out(), "id");
        CliRun issued = run("issue", "--store", store(), "--owner", "b");
        String key = field(issued.out(), "key");
        String otherId = field(issued.out(), "id");
        Files.writeString(dir.resolve("leak.env"), "TOKEN=" + key + "\n");

        CliRun r = run("scan", dir.resolve("leak.env").toString(), "--revoke", "--store", store());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("revoked: " + otherId).doesNotContain(key);
        assertThat(run("show", "--store", store(), otherId).out()).contains("REVOKED");
        assertThat(run("show", "--store", store(), id).out()).contains("ACTIVE");
        assertThat(run("scan", dir.resolve("leak.env").toString(), "--revoke", "--store", store()).out())
                .contains("already revoked: " + otherId);
    }

    @Test
    void changesAreAuditedAsTheCliAndGraceIsCapped() {
        java.util.logging.Logger audit = java.util.logging.Logger.getLogger("dev.apikey.audit");
        java.util.logging.Level saved = audit.getLevel();
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                lines.add(record.getLevel() + " " + record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        audit.setLevel(java.util.logging.Level.INFO);
        audit.addHandler(handler);
        try {
            String id = field(run("issue", "--store", store(), "--owner", "audited", "-s", "billing:read").out(), "id");
            CliRun tooLong = run("rotate", "--store", store(), id, "--grace", "P30D");
            run("revoke", "--store", store(), id);

            assertThat(tooLong.code()).isEqualTo(2);
            assertThat(tooLong.err()).contains("gracePeriod must be at most PT168H");
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).matches("INFO lifecycle time=\\S+ action=issue actor=cli target=" + id);
            assertThat(lines.get(1)).matches("INFO lifecycle time=\\S+ action=revoke actor=cli target=" + id);
        } finally {
            audit.removeHandler(handler);
            audit.setLevel(saved);
        }
    }
}
