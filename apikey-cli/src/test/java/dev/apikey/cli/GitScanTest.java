package dev.apikey.cli;

import dev.apikey.Environment;
import dev.apikey.KeyFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static dev.apikey.cli.ScanFormatsTest.at;
import static dev.apikey.cli.ScanFormatsTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code apikey scan --git} and {@code --staged} against real repositories built by the {@code git} command. */
class GitScanTest {
    @TempDir
    Path tmp;
    TestRepo repo;
    String live;
    String test;

    @BeforeEach
    void keys() throws Exception {
        repo = new TestRepo(Files.createDirectories(tmp.resolve("repo")));
        live = KeyFormat.ofDefaults().generate(Environment.LIVE).reveal();
        test = KeyFormat.withPrefix("acme").generate(Environment.TEST).reveal();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void assertNoKey(CliRun r, String... keys) {
        for (String k : keys) {
            assertThat(r.all()).doesNotContain(k).doesNotContain(k.substring(k.indexOf('_', 3) + 1, k.length() - 4));
        }
    }

    /**
     * 200 commits: a live key added in commit 57 and deleted in 58, another in src/f3.txt from 60 (moved a line down
     * in 63, gone at 73), a binary blob and a blob over the size limit with keys (each deleted a commit later), and a
     * test key on a branch.
     */
    private Map<Integer, String> leakyHistory() throws Exception {
        byte[] binary = bytes("\0\u0001PNG" + live + "\n");
        Map<Integer, String> ids = repo.history(200, Map.of(
                57, Map.of("config/app.env", bytes("# env\nTOKEN=" + live + "\n")),
                58, Map.of("config/app.env", TestRepo.DELETE),
                60, Map.of("src/f3.txt", bytes("x=" + live + "\n")),
                63, Map.of("src/f3.txt", bytes("moved down\nx=" + live + "\n")),
                120, Map.of("assets/logo.bin", binary),
                121, Map.of("assets/logo.bin", TestRepo.DELETE),
                150, Map.of("dump/big.txt", bytes("y".repeat(3000) + live + "\n")),
                151, Map.of("dump/big.txt", TestRepo.DELETE)));
        repo.ok("checkout", "-q", "-b", "feature", ids.get(100));
        repo.write("notes.md", "try `" + test + "`\n");
        repo.ok("add", "notes.md");
        repo.ok("commit", "-q", "-m", "notes");
        repo.ok("checkout", "-q", "main");
        return ids;
    }

    @Test
    void historyReportsCommitPathAndLineOfKeysNoLongerInTheWorkingTree() throws Exception {
        Map<Integer, String> ids = leakyHistory();
        String feature = repo.ok("rev-parse", "feature").strip();

        assertThat(CliRun.of("scan", repo.dir.toString()).code()).as("the working tree is clean").isZero();

        CliRun r = CliRun.of("scan", repo.dir.toString(), "--git", "--max-bytes", "2000");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        String tail = live.substring(live.length() - 4);
        assertThat(r.out().lines()).containsExactly(
                ids.get(57) + ":config/app.env:2: ak_live_\u2026" + tail,
                ids.get(60) + ":src/f3.txt:1: ak_live_\u2026" + tail,
                feature + ":notes.md:1: acme_test_\u2026" + test.substring(test.length() - 4),
                "3 keys found (skipped: 1 larger than 2000 bytes, 1 binary)");
        assertNoKey(r, live, test);

        // "--git DIR" names the repository; a directory is not mistaken for a range.
        CliRun json = CliRun.of("scan", "--format", "json", "--git", repo.dir.toString());
        assertThat(json.code()).isEqualTo(1);
        assertNoKey(json, live, test);
        Map<String, Object> doc = parse(json.out());
        assertThat(doc).containsEntry("count", 4);
        assertThat((Map<String, Object>) at(doc, "findings", 0)).containsEntry("commit", ids.get(57))
                .containsEntry("file", "config/app.env").containsEntry("line", 2).containsEntry("column", 7);

        CliRun sarif = CliRun.of("scan", "--format", "sarif", repo.dir.toString(), "--git");
        assertNoKey(sarif, live, test);
        Map<String, Object> result = at(parse(sarif.out()), "runs", 0, "results", 0);
        assertThat((String) at(result, "locations", 0, "physicalLocation", "artifactLocation", "uri"))
                .isEqualTo("config/app.env");
        assertThat((String) at(result, "properties", "commit")).isEqualTo(ids.get(57));
    }

    @Test
    void aRangeScansOnlyItsCommits() throws Exception {
        Map<Integer, String> ids = leakyHistory();
        CliRun after = CliRun.of("scan", repo.dir.toString(), "--git", ids.get(100) + "..main", "--max-bytes", "2000");
        assertThat(after.code()).as(after.all()).isZero();
        assertThat(after.out()).contains("0 keys found (skipped: 1 larger than 2000 bytes, 1 binary)");

        CliRun around = CliRun.of("scan", repo.dir.toString(), "--git=" + ids.get(56) + ".." + ids.get(58));
        assertThat(around.code()).isEqualTo(1);
        assertThat(around.out()).contains(ids.get(57) + ":config/app.env:2:").contains("1 key found");
    }

    @Test
    void gitFailuresAndBadRangesAreErrors() throws Exception {
        repo.write("a.txt", "a\n");
        repo.ok("add", "a.txt");
        repo.ok("commit", "-q", "-m", "a");
        Path notARepo = Files.createDirectories(tmp.resolve("plain"));

        CliRun outside = CliRun.of("scan", notARepo.toString(), "--git");
        assertThat(outside.code()).isEqualTo(2);
        assertThat(outside.err()).startsWith("apikey: error: git log failed (exit 128): fatal:");
        assertThat(CliRun.of("scan", repo.dir.toString(), "--git", "no-such-branch").code()).isEqualTo(2);
        CliRun option = CliRun.of("scan", repo.dir.toString(), "--git=--output=" + tmp.resolve("written"));
        assertThat(option.code()).isEqualTo(2);
        assertThat(option.err()).contains("--git RANGE must be a revision range");
        assertThat(tmp.resolve("written")).doesNotExist();
        assertThat(CliRun.of("scan", repo.dir.toString(), "--git", "--staged").code()).isEqualTo(2);
        assertThat(CliRun.of("scan", "--staged", repo.dir.toString(), notARepo.toString()).code()).isEqualTo(2);
        assertThat(CliRun.of("scan", "--staged", notARepo.toString()).code()).isEqualTo(2);
    }

    @Test
    void stagedScansTheIndexNotTheWorkingTree() throws Exception {
        repo.write("app.env", "TOKEN=" + live + "\n");
        repo.ok("add", "app.env");
        repo.write("app.env", "TOKEN=from-the-vault\n");
        CliRun before = CliRun.of("scan", "--staged", repo.dir.toString());
        assertThat(before.code()).as("a staged key in a repository without commits: %s", before.all()).isEqualTo(1);
        assertThat(before.out()).contains("app.env:1: ak_live_\u2026").contains("1 key found");
        assertNoKey(before, live);

        repo.ok("add", "app.env");
        repo.ok("commit", "-q", "-m", "clean");
        repo.write("app.env", "TOKEN=" + live + "\n");
        assertThat(CliRun.of("scan", "--staged", repo.dir.toString()).code()).as("unstaged key").isZero();
        assertThat(CliRun.of("scan", repo.dir.toString()).code()).as("the same key in the working tree").isEqualTo(1);
    }

    @Test
    void thePreCommitHookFromTheDocsRefusesACommitWithAKey() throws Exception {
        Path hook = repo.dir.resolve(".git/hooks/pre-commit");
        Files.createDirectories(hook.getParent());
        Files.writeString(hook, hookScript());
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        // The hook calls "apikey": here a script that runs this build's CLI.
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path apikey = bin.resolve("apikey");
        Files.writeString(apikey, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -cp '" + System.getProperty("java.class.path") + "' dev.apikey.cli.ApiKeyCli \"$@\"\n");
        Files.setPosixFilePermissions(apikey, PosixFilePermissions.fromString("rwxr-xr-x"));
        repo.prependPath(bin);

        repo.write("README.md", "hello\n");
        repo.write("deploy/prod.env", "API_KEY=" + live + "\n");
        repo.ok("add", ".");
        TestRepo.Git refused = repo.run(null, "commit", "-m", "with a key");
        assertThat(refused.code()).as(refused.out()).isNotZero();
        assertThat(refused.out()).contains("deploy/prod.env:1: ak_live_\u2026").contains("pre-commit: an API key is staged")
                .doesNotContain(live);
        assertThat(repo.run(null, "rev-parse", "--verify", "-q", "HEAD").code()).as("no commit was made").isNotZero();

        repo.ok("rm", "-q", "--cached", "deploy/prod.env");
        TestRepo.Git accepted = repo.run(null, "commit", "-m", "without");
        assertThat(accepted.code()).as(accepted.out()).isZero();
        assertThat(repo.ok("ls-tree", "-r", "--name-only", "HEAD").lines()).containsExactly("README.md");

        // "commit -a" stages into a temporary index that git names in GIT_INDEX_FILE; the hook's scan reads that one.
        String head = repo.ok("rev-parse", "HEAD");
        repo.write("README.md", "hello\nkey: " + live + "\n");
        TestRepo.Git all = repo.run(null, "commit", "-a", "-m", "edit with a key");
        assertThat(all.code()).as(all.out()).isNotZero();
        assertThat(all.out()).contains("README.md:2: ak_live_\u2026").doesNotContain(live);
        assertThat(repo.ok("rev-parse", "HEAD")).isEqualTo(head);
    }

    private static String hookScript() throws Exception {
        Path root = Path.of(System.getProperty("apikey.root", "..")).toAbsolutePath().normalize();
        List<String> lines = Files.readAllLines(root.resolve("docs/scanning.md"));
        int marker = lines.indexOf("<!-- run: GitScanTest -->");
        assertThat(marker).as("docs/scanning.md marks the hook").isNotNegative();
        assertThat(lines.get(marker + 1)).isEqualTo("```sh");
        StringBuilder s = new StringBuilder();
        for (int i = marker + 2; !lines.get(i).startsWith("```"); i++) {
            s.append(lines.get(i)).append('\n');
        }
        return s.toString();
    }
}
