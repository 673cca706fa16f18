package dev.apikey.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The curl walk-through of examples/README.md (the block marked {@code <!-- run: WalkThroughIT -->}), run as it
 * stands by bash against the packaged demo jar, with only its {@code PORT=} line set to the demo's port. The
 * answers its comments promise must come back, in order.
 */
class WalkThroughIT {
    /** What the block's comments promise, in the order the commands print it. */
    private static final List<String> PROMISED = List.of(
            "{\"status\":\"ok\"}",
            "http/1.1 401", "www-authenticate: apikey", "missing-key",
            "http/1.1 403", "insufficient-scope",
            "\"id\":\"key_", "billing:write",
            "200 200 200 200 200 429",
            "retry-after:",
            "\n200\n",
            "\n200\n412\n",
            "\n401\n");

    @TempDir
    Path dir;

    @Test
    void theWalkThroughGetsTheAnswersItsCommentsPromise() throws Exception {
        DocBlocks block = DocBlocks.marked(DocBlocks.root().resolve("examples/README.md"), "run: WalkThroughIT");
        Matcher portLine = Pattern.compile("(?m)^PORT=\\d+").matcher(block.code());
        assertThat(portLine.find()).as("the walk-through sets its port in one PORT= line").isTrue();

        Path jar = Path.of("target/apikey-examples.jar").toAbsolutePath();
        assertThat(jar).exists();
        Path log = Files.createTempFile("demo", ".log");
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--port", "0").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            int port = readyPort(demo, log);
            String script = portLine.replaceFirst("PORT=" + port);
            Path output = Files.createTempFile("walk-through", ".out");
            Process bash = new ProcessBuilder("bash", "-eu", "-o", "pipefail", "-c", script).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            assertThat(bash.waitFor(120, TimeUnit.SECONDS)).as("walk-through finished").isTrue();
            String printed = Files.readString(output);
            assertThat(bash.exitValue()).as("exit code; output:%n%s", printed).isZero();

            String lower = printed.toLowerCase(Locale.ROOT).replace("\r", "");
            int at = 0;
            for (String promise : PROMISED) {
                int found = lower.indexOf(promise, at);
                assertThat(found).as("'%s' after position %d in:%n%s", promise, at, printed).isGreaterThanOrEqualTo(0);
                at = found + promise.length() - (promise.endsWith("\n") ? 1 : 0);
            }
            assertThat(dir.resolve("new.json")).exists();
            assertThat(dir.resolve("next.json")).exists();
        } finally {
            demo.destroy();
            demo.waitFor(20, TimeUnit.SECONDS);
            demo.destroyForcibly();
        }
    }

    private static int readyPort(Process demo, Path log) throws Exception {
        Pattern ready = Pattern.compile("ready on http://127\\.0\\.0\\.1:(\\d+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && demo.isAlive()) {
            Matcher m = ready.matcher(Files.readString(log));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new AssertionError("demo not ready:\n" + Files.readString(log));
    }
}
