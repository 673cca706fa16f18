package dev.apikey.jdbc;

import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Fault test: PostgreSQL is stopped for a few seconds and started again while four threads keep verifying keys
 * on a node with a cache. While it is down, requests get 503 (or, for a key still cached, its cached answer),
 * never a 200 for a key revoked before the stop; once it is back, every key gets its right answer again and the
 * listener hears changes again.
 *
 * <p>It stops the shared server (other test runs against it fail meanwhile), so it runs only when asked:
 * {@code -Dapikey.jdbc.faults=true} or {@code APIKEY_JDBC_FAULTS=true} (which {@code .ci/run} sets when it
 * runs as root), as root or a user that may {@code sudo -n}. It starts the server again in a finally block.
 */
@EnabledIf(value = "faultsEnabled",
        disabledReason = "stops the shared PostgreSQL: set -Dapikey.jdbc.faults=true or APIKEY_JDBC_FAULTS=true (as root) to run it")
class PostgresRestartTest {
    @RegisterExtension
    static final PostgresDatabase DB = new PostgresDatabase();

    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(15);
    private static final int THREADS = 4;

    /** Where the server is while an answer is given: STOPPED and STARTING are between the commands. */
    private enum Phase { BEFORE, STOPPING, STOPPED, STARTING, BACK }

    static boolean faultsEnabled() {
        return "true".equalsIgnoreCase(System.getProperty("apikey.jdbc.faults"))
                || "true".equalsIgnoreCase(System.getenv("APIKEY_JDBC_FAULTS"));
    }

    private volatile Phase phase = Phase.BEFORE;
    private volatile boolean running = true;
    private final Map<String, Set<Integer>> seen = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final AtomicLong first503 = new AtomicLong();

    @Test
    void requestsGet503WhileTheDatabaseIsDownNeverA200ForARevokedKeyAndEverythingRecovers() throws Exception {
        KeyManager admin = KeyManager.builder(JdbcKeyStore.builder(DB.pool(2, "apikey-fault-admin", Duration.ofSeconds(1))).build()).build();
        JdbcKeyStore store = JdbcKeyStore.builder(DB.pool(8, "apikey-fault-node", Duration.ofSeconds(1)))
                .queryTimeout(Duration.ofSeconds(1)).cache(CacheOptions.ofDefaults()).build();
        ApiKeyVerifier node = ApiKeyVerifier.builder(store).from(KeyManager.builder(store).build())
                .auditSink(e -> { }).clientThrottle(ClientThrottle.disabled()).build();
        List<Thread> threads = new ArrayList<>();
        try {
            awaitTrue("the node listens", store::cacheListening);
            IssuedKey cached = issue(admin);
            IssuedKey revoked = issue(admin);
            IssuedKey fresh = issue(admin);
            assertThat(status(node, cached)).isEqualTo(200);
            assertThat(status(node, revoked)).isEqualTo(200);
            admin.revoke(revoked.record().id());
            awaitTrue("the node refuses the revoked key", () -> status(node, revoked) == 401);

            Map<String, IssuedKey> keys = Map.of("cached", cached, "revoked", revoked, "fresh", fresh);
            for (int t = 0; t < THREADS; t++) {
                Thread thread = new Thread(() -> {
                    while (running) {
                        keys.forEach((name, key) -> {
                            // The fresh key is first asked for once the stop has begun: the node never cached it.
                            if (!name.equals("fresh") || phase != Phase.BEFORE) {
                                record(name, status(node, key));
                            }
                        });
                    }
                }, "fault-client-" + t);
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
            Thread.sleep(500);

            long downFor;
            long stopAt = System.nanoTime();
            try {
                phase = Phase.STOPPING;
                cluster("stop");
                phase = Phase.STOPPED;
                long stopped = System.nanoTime();
                Thread.sleep(3_000);
                System.out.printf("[PostgresRestartTest] pg_ctlcluster stop took %d ms; first 503 %d ms after it began%n",
                        TimeUnit.NANOSECONDS.toMillis(stopped - stopAt), TimeUnit.NANOSECONDS.toMillis(first503.get() - stopAt));
                downFor = System.nanoTime() - stopAt;
            } finally {
                phase = Phase.STARTING;
                cluster("start");
                phase = Phase.BACK;
            }
            long back = awaitTrue("every key gets its right answer again", () -> status(node, fresh) == 200
                    && status(node, cached) == 200 && status(node, revoked) == 401 && store.cacheListening());
            System.out.printf("[PostgresRestartTest] down for %d ms; recovered %d ms after the start; answers: %s%n",
                    TimeUnit.NANOSECONDS.toMillis(downFor), TimeUnit.NANOSECONDS.toMillis(back), new TreeMap<>(counts));

            stopClients(threads);
            admin.revoke(cached.record().id());
            awaitTrue("a revocation after the restart reaches the node", () -> status(node, cached) == 401);
        } finally {
            stopClients(threads);
            node.close();
            store.close();
        }
        assertThat(seen.getOrDefault("revoked/BEFORE", Set.of())).containsOnly(401);
        for (Phase p : List.of(Phase.STOPPING, Phase.STOPPED, Phase.STARTING, Phase.BACK)) {
            assertThat(seen.getOrDefault("revoked/" + p, Set.of())).as("answers for the revoked key, " + p).isSubsetOf(401, 503);
            for (String key : List.of("cached", "fresh")) {
                assertThat(seen.getOrDefault(key + "/" + p, Set.of())).as("answers for " + key + ", " + p).isSubsetOf(200, 503);
            }
        }
        // The node lost its listener when the server stopped, and with it everything it had cached.
        assertThat(seen.get("cached/STOPPED")).as("a key cached before the stop, once stopped").contains(503);
        assertThat(seen.get("fresh/STOPPED")).as("a key first asked for during the stop, once stopped").contains(503);
    }

    private void stopClients(List<Thread> threads) throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(5_000);
        }
    }

    private void record(String key, int status) {
        String slot = key + "/" + phase;
        seen.computeIfAbsent(slot, k -> new ConcurrentSkipListSet<>()).add(status);
        counts.computeIfAbsent(slot + "/" + status, k -> new AtomicLong()).incrementAndGet();
        if (status == 503) {
            first503.compareAndSet(0, System.nanoTime());
        }
    }

    private static IssuedKey issue(KeyManager admin) {
        return admin.issue(KeyRequest.builder().owner("fault-app").scopes("billing:read").build());
    }

    private static int status(ApiKeyVerifier node, IssuedKey key) {
        return node.verify(AccessRequest.builder()
                .headers(n -> n.equalsIgnoreCase("X-API-Key") ? List.of(key.key().reveal()) : List.of())
                .remoteAddress("127.0.0.1").build()).status();
    }

    private static long awaitTrue(String what, BooleanSupplier done) throws InterruptedException {
        long start = System.nanoTime();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - start > DEADLINE_NANOS) {
                fail("not within " + TimeUnit.NANOSECONDS.toSeconds(DEADLINE_NANOS) + " s: " + what);
            }
            Thread.sleep(5);
        }
        return System.nanoTime() - start;
    }

    /** Runs {@code pg_ctlcluster ... <action>} on the first cluster Debian knows (as .ci/postgres.sh picks it). */
    private static void cluster(String action) throws IOException, InterruptedException {
        String[] first = run(List.of("pg_lsclusters", "-h")).lines().findFirst().orElseThrow().trim().split("\\s+");
        List<String> command = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("sudo", "-n"));
        }
        command.addAll(List.of("pg_ctlcluster", "--skip-systemctl-redirect", first[0], first[1], action));
        run(command);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within 30 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }
}
