package dev.apikey.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI session of docs/reference.md (the block marked {@code <!-- run: CliDocIT -->}), run as it stands by bash
 * with the packaged {@code apikey-cli.jar}, in an empty folder: every command works and prints what the reference
 * says it prints.
 */
class CliDocIT {
    private static final String MARKER = "<!-- run: CliDocIT -->";

    @TempDir
    Path dir;

    @Test
    void theReferenceSessionRunsAsWritten() throws Exception {
        Path root = Path.of(System.getProperty("apikey.root", "..")).toAbsolutePath().normalize();
        String script = block(Files.readAllLines(root.resolve("docs/reference.md")));
        Path jar = root.resolve("apikey-cli/target/apikey-cli.jar");
        assertThat(jar).exists();
        // The block's alias names the jar relative to the repository root, as a user types it there.
        Files.createDirectories(dir.resolve("apikey-cli/target"));
        Files.copy(jar, dir.resolve("apikey-cli/target/apikey-cli.jar"));

        Path output = Files.createTempFile("cli-session", ".out");
        Process bash = new ProcessBuilder("bash", "-O", "expand_aliases", "-eu", "-o", "pipefail", "-c", script)
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(bash.waitFor(180, TimeUnit.SECONDS)).as("session finished").isTrue();
        String printed = Files.readString(output);
        assertThat(bash.exitValue()).as("exit code; output:%n%s", printed).isZero();
        assertThat(printed).contains("billing-app").contains("100/1s burst 20").contains("SUSPENDED").contains("ACTIVE")
                .contains("sha256:").contains("issued.txt:").contains(": ak_live_").contains("exit 1: keys found")
                .contains("revoked: key_").contains("REVOKED");
        assertThat(dir.resolve("keys.json")).exists();
    }

    private static String block(List<String> lines) {
        int marker = lines.indexOf(MARKER);
        assertThat(marker).as("docs/reference.md has a block marked " + MARKER).isNotNegative();
        assertThat(lines.get(marker + 1)).isEqualTo("```sh");
        StringBuilder code = new StringBuilder();
        for (int i = marker + 2; !lines.get(i).startsWith("```"); i++) {
            code.append(lines.get(i)).append('\n');
        }
        return code.toString();
    }
}
