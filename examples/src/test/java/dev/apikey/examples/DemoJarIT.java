package dev.apikey.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged {@code target/apikey-examples.jar} as a user runs it: a separate process that writes the
 * demo keys, logs one ready line (never a key), serves the contract, and stops cleanly on SIGTERM.
 */
class DemoJarIT {
    @TempDir
    Path dir;

    @Test
    void clusterModeWithoutTheSecretExitsWithOneLineNamingTheVariable() throws Exception {
        Path jar = Path.of("target/apikey-examples.jar").toAbsolutePath();
        Path log = dir.resolve("refused.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--port", "0", "--cluster", "--cluster-ports", "5785-5786",
                "--keys-out", dir.resolve("none.json").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("APIKEY_CLUSTER_SECRET");
        Process p = pb.start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(2);
            assertThat(Files.readAllLines(log)).singleElement().asString().contains("APIKEY_CLUSTER_SECRET");
            assertThat(dir.resolve("none.json")).doesNotExist();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void theRunnableJarStartsInClusterModeWithTheSecretFromTheEnvironment() throws Exception {
        Path jar = Path.of("target/apikey-examples.jar").toAbsolutePath();
        Path keysFile = dir.resolve("cluster-keys.json");
        Path log = dir.resolve("cluster.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--port", "0", "--cluster", "--cluster-ports", "5783-5784",
                "--keys-out", keysFile.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        String secret = "ZGVtbyBqYXIgY2x1c3RlciBzZWNyZXQsIDMyKyBieXRlcyBsb25n";
        pb.environment().put("APIKEY_CLUSTER_SECRET", secret);
        Process p = pb.start();
        try {
            int port = awaitReady(p, log);
            DemoClient http = new DemoClient(port);
            String reader = DemoClient.keys(keysFile).get("reader").get("key").asText();
            assertThat(http.get("/api/invoices", reader).statusCode()).isEqualTo(200);
            p.destroy();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
            assertThat(Files.readString(log)).doesNotContain(secret).doesNotContain(reader);
        } finally {
            p.destroyForcibly();
        }
    }

    private static int awaitReady(Process p, Path log) throws Exception {
        Pattern ready = Pattern.compile("ready on http://127\\.0\\.0\\.1:(\\d+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            Matcher m = ready.matcher(Files.readString(log));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new AssertionError("no ready line in:\n" + Files.readString(log));
    }

    @Test
    void theRunnableJarStartsServesAndStopsOnSigterm() throws Exception {
        Path jar = Path.of("target/apikey-examples.jar").toAbsolutePath();
        assertThat(jar).exists();
        Path keysFile = dir.resolve("keys.json");
        Path log = dir.resolve("server.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--port", "0", "--keys-out", keysFile.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Pattern ready = Pattern.compile("ready on http://127\\.0\\.0\\.1:(\\d+)");
            int port = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (port < 0 && System.nanoTime() < deadline && p.isAlive()) {
                Matcher m = ready.matcher(Files.readString(log));
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                } else {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
            }
            assertThat(port).as("ready line in:%n%s", Files.readString(log)).isPositive();
            DemoClient http = new DemoClient(port);
            String reader = DemoClient.keys(keysFile).get("reader").get("key").asText();
            String reports = DemoClient.keys(keysFile).get("reports").get("key").asText();
            assertThat(Files.readString(log)).doesNotContain(reader).contains(keysFile.toString());
            assertThat(http.get("/api/health", null).statusCode()).isEqualTo(200);
            assertThat(http.get("/api/invoices", reader).statusCode()).isEqualTo(200);
            assertThat(http.get("/api/invoices", reports).statusCode()).isEqualTo(403);
            assertThat(http.get("/reports/usage", reports).statusCode()).isEqualTo(200);

            p.destroy();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
            assertThat(p.exitValue()).isIn(0, 143);
            assertThat(Files.readString(log)).doesNotContain(reader).doesNotContain(reports)
                    .doesNotContain("Exception");
        } finally {
            p.destroyForcibly();
        }
    }
}
