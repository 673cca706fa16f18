package dev.apikey.jdbc;

import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import dev.apikey.spi.AuditSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault test: a node writing to PostgreSQL (another JVM, {@link CrashingWriter}) is killed with SIGKILL in the
 * middle of its writes, while a second node with the per-node cache keeps serving. Afterwards every write the
 * killed node acknowledged is there and whole (found by id and by digest, at the version and status it was left
 * at), the shared counter holds every acknowledged use and at most the one in flight, the caching node saw every
 * acknowledged revocation and still hears changes, and a new node writes over the same rows without a stuck
 * version.
 */
class KillDuringWritesTest {
    @RegisterExtension
    static final PostgresDatabase DB = new PostgresDatabase();

    private static final int ACKNOWLEDGED_ISSUES_BEFORE_KILL = 40;

    @Test
    void everyAcknowledgedWriteSurvivesAKillNineAndTheOtherNodeKeepsServing() throws Exception {
        JdbcKeyStore cached = JdbcKeyStore.builder(DB.pool(4, "apikey-kill-cached", Duration.ofSeconds(5)))
                .cache(CacheOptions.ofDefaults()).build();
        awaitTrue("the caching node listens", cached::cacheListening);
        Process writer = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                CrashingWriter.class.getName(), PostgresDatabase.URL, PostgresDatabase.USER, DB.schema())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Set<String> issued = new LinkedHashSet<>();
        Set<String> revoked = new LinkedHashSet<>();
        long counted = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "issued" -> {
                        issued.add(f[1]);
                        // The caching node reads the new key by digest, so that a later revocation must reach its cache.
                        cached.findById(f[1]).ifPresent(r -> cached.findByDigest(r.digest()));
                        if (issued.size() == ACKNOWLEDGED_ISSUES_BEFORE_KILL) {
                            // SIGKILL: no shutdown hook, no finally. Through the handle, because Process.destroy
                            // would also close our end of its output, and the lines still in the pipe were acknowledged.
                            writer.toHandle().destroyForcibly();
                        }
                    }
                    case "revoked" -> revoked.add(f[1]);
                    case "counted" -> counted = Long.parseLong(f[1]);
                    default -> { }
                }
            }
        } finally {
            writer.destroyForcibly();
        }
        assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(writer.exitValue()).as("killed, not finished").isEqualTo(137);
        assertThat(issued).hasSizeGreaterThanOrEqualTo(ACKNOWLEDGED_ISSUES_BEFORE_KILL);
        assertThat(revoked).isNotEmpty();

        JdbcKeyStore fresh = JdbcKeyStore.builder(DB.pool(2, "apikey-kill-fresh", Duration.ofSeconds(5))).build();
        for (String id : issued) {
            KeyRecord byId = fresh.findById(id).orElseThrow(() -> new AssertionError("acknowledged key " + id + " is missing"));
            KeyRecord byDigest = fresh.findByDigest(byId.digest()).orElseThrow();
            assertThat(byDigest.id()).isEqualTo(id);
            assertThat(byDigest.version()).isEqualTo(byId.version());
            if (revoked.contains(id)) {
                assertThat(byId.status()).as(id).isEqualTo(KeyStatus.REVOKED);
            }
        }
        // Every third key was revoked; only the last one's revocation may have been in flight.
        List<String> all = new ArrayList<>(issued);
        for (int i = 2; i < all.size() - 1; i += 3) {
            assertThat(revoked).contains(all.get(i));
        }

        long stored = JdbcUsageCounters.builder(DB.pool(1, "apikey-kill-count", Duration.ofSeconds(5))).build()
                .tryIncrement(CrashingWriter.COUNTER, Long.MAX_VALUE, Instant.parse("2100-01-01T00:00:00Z")) - 1;
        assertThat(stored).as("acknowledged uses %d, plus at most the one in flight", counted).isBetween(counted, counted + 1);
        System.out.println("[KillDuringWritesTest] killed after " + issued.size() + " acknowledged issues, " + revoked.size()
                + " revocations and " + counted + " uses; the database holds " + stored + " uses");

        for (String id : revoked) {
            KeyRecord r = fresh.findById(id).orElseThrow();
            awaitTrue("the caching node refuses " + id, () -> cached.findByDigest(r.digest()).orElseThrow().status() == KeyStatus.REVOKED);
        }
        KeyManager next = KeyManager.builder(fresh).auditSink(AuditSink.NONE).build();
        String last = all.get(all.size() - 1);
        next.suspend(last.equals(all.get(0)) ? all.get(1) : all.get(0));
        KeyRecord lastBefore = fresh.findById(last).orElseThrow();
        KeyRecord lastRevoked = next.revoke(last);
        assertThat(lastRevoked.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(cached.cacheListening()).isTrue();
        awaitTrue("the caching node hears the new node's revocation",
                () -> cached.findByDigest(lastBefore.digest()).orElseThrow().status() == KeyStatus.REVOKED);
        cached.close();
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java" + (File.separatorChar == '\\' ? ".exe" : "")).toString();
    }

    private static void awaitTrue(String what, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }
}
