package dev.apikey.jdbc;

import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.MutableClock;
import dev.apikey.Outcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Durable quota and credit counters: the limit holds across nodes, and a restart resets nothing. Needs a
 * PostgreSQL server: see {@link PostgresDatabase} (locally: {@code . .ci/postgres.sh} then
 * {@code mvn -B verify -pl apikey-jdbc -am}).
 */
class JdbcUsageCountersTest {
    @RegisterExtension
    static final PostgresDatabase DB = new PostgresDatabase();

    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private static final Instant END_OF_DAY = Instant.parse("2026-03-11T00:00:00Z");

    private final MutableClock clock = new MutableClock(NOW);

    @BeforeEach
    void emptyTables() throws SQLException {
        DB.truncate();
    }

    private JdbcUsageCounters node() {
        return JdbcUsageCounters.builder(DB.dataSource()).clock(clock).build();
    }

    @Test
    void thirtyTwoThreadsOnTwoNodesNeverTakeMoreThanTheLimit() throws Exception {
        JdbcUsageCounters[] nodes = {
                JdbcUsageCounters.builder(DB.pool(16)).clock(clock).build(),
                JdbcUsageCounters.builder(DB.pool(16)).clock(clock).build()};
        int threads = 32;
        int attemptsPerThread = 15;
        long limit = 300;
        ConcurrentLinkedQueue<Long> admitted = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> refusals = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                JdbcUsageCounters node = nodes[t % 2];
                refusals.add(pool.submit(() -> {
                    go.await();
                    int refused = 0;
                    for (int i = 0; i < attemptsPerThread; i++) {
                        long count = node.tryIncrement("key_a:q:1", limit, END_OF_DAY);
                        if (count < 0) {
                            refused++;
                        } else {
                            admitted.add(count);
                        }
                    }
                    return refused;
                }));
            }
            go.countDown();
            int refused = 0;
            for (Future<Integer> f : refusals) {
                refused += f.get(120, TimeUnit.SECONDS);
            }
            assertThat(refused).isEqualTo(threads * attemptsPerThread - limit);
        } finally {
            pool.shutdownNow();
        }

        // Every unit was taken exactly once: the counts handed out are 1..limit, each once.
        assertThat(admitted).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, limit).boxed().toList());
        assertThat(DB.queryString("SELECT count FROM apikey_usage_counters WHERE counter_id = 'key_a:q:1'"))
                .isEqualTo(String.valueOf(limit));
    }

    @Test
    void countsSurviveARestartOfEveryNode() {
        JdbcUsageCounters before = node();
        assertThat(before.tryIncrement("key_a:c", 3, null)).isEqualTo(1);
        assertThat(before.tryIncrement("key_a:c", 3, null)).isEqualTo(2);

        JdbcUsageCounters after = node();

        assertThat(after.tryIncrement("key_a:c", 3, null)).isEqualTo(3);
        assertThat(after.tryIncrement("key_a:c", 3, null)).isEqualTo(-1);
    }

    @Test
    void aCounterWhosePeriodEndedCountsFromOneAgain() {
        JdbcUsageCounters counters = node();
        assertThat(counters.tryIncrement("key_a:q:1", 1, END_OF_DAY)).isEqualTo(1);
        assertThat(counters.tryIncrement("key_a:q:1", 1, END_OF_DAY)).isEqualTo(-1);

        clock.set(END_OF_DAY);

        assertThat(counters.tryIncrement("key_a:q:1", 1, END_OF_DAY.plus(Duration.ofDays(1)))).isEqualTo(1);
        assertThat(counters.tryIncrement("key_a:q:1", 1, END_OF_DAY.plus(Duration.ofDays(1)))).isEqualTo(-1);
    }

    @Test
    void purgeDeletesOnlyCountersWhosePeriodEnded() throws SQLException {
        JdbcUsageCounters counters = node();
        counters.tryIncrement("key_a:q:1", 5, END_OF_DAY);
        counters.tryIncrement("key_a:q:2", 5, END_OF_DAY.plus(Duration.ofDays(1)));
        counters.tryIncrement("key_a:c", 5, null);

        clock.set(END_OF_DAY);

        assertThat(counters.purgeExpired()).isEqualTo(1);
        assertThat(DB.queryString("SELECT string_agg(counter_id, ',' ORDER BY counter_id) FROM apikey_usage_counters"))
                .isEqualTo("key_a:c,key_a:q:2");
    }

    @Test
    void aLimitOfZeroAdmitsNothingAndStoresNothing() throws SQLException {
        assertThat(node().tryIncrement("key_a:c", 0, null)).isEqualTo(-1);
        assertThat(DB.queryString("SELECT count(*) FROM apikey_usage_counters")).isEqualTo("0");
    }

    @Test
    void creditsSpentThroughTheVerifierAreStillSpentAfterARestart() {
        KeyManager manager = KeyManager.builder(JdbcKeyStore.builder(DB.dataSource()).build()).clock(clock).build();
        String key = manager.issue(KeyRequest.builder().owner("app").credits(3).build()).key().reveal();

        ApiKeyVerifier first = verifier();
        assertThat(first.verify(request(key)).isAllowed()).isTrue();
        assertThat(first.verify(request(key)).isAllowed()).isTrue();

        ApiKeyVerifier restarted = verifier();
        assertThat(restarted.verify(request(key)).isAllowed()).isTrue();
        assertThat(restarted.verify(request(key)).outcome()).isEqualTo(Outcome.CREDITS_EXHAUSTED);
    }

    @Test
    void anOwnersQuotaIsOneBudgetForItsKeysOnTwoNodes() {
        KeyManager manager = KeyManager.builder(JdbcKeyStore.builder(DB.dataSource()).build()).clock(clock).build();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            keys.add(manager.issue(KeyRequest.builder().owner("acme").quota("5/day per owner").build()).key().reveal());
        }
        String other = manager.issue(KeyRequest.builder().owner("globex").quota("5/day per owner").build()).key().reveal();
        ApiKeyVerifier[] nodes = {verifier(), verifier()};

        int admitted = 0;
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < keys.size(); k++) {
                admitted += nodes[(round + k) % 2].verify(request(keys.get(k))).isAllowed() ? 1 : 0;
            }
        }

        assertThat(admitted).as("12 requests of 4 keys of one owner, spread over two nodes").isEqualTo(5);
        assertThat(nodes[1].verify(request(keys.get(0))).outcome()).isEqualTo(Outcome.QUOTA_EXCEEDED);
        assertThat(nodes[0].verify(request(other)).isAllowed()).as("another owner's budget").isTrue();
        clock.advance(Duration.ofDays(1));
        assertThat(nodes[1].verify(request(keys.get(3))).isAllowed()).as("the next day").isTrue();
    }

    /** A verifier as a freshly started node builds it: its own pool, store, key manager and counters. */
    private ApiKeyVerifier verifier() {
        JdbcKeyStore store = JdbcKeyStore.builder(DB.dataSource()).build();
        KeyManager manager = KeyManager.builder(store).clock(clock).build();
        return ApiKeyVerifier.builder(store).from(manager).clock(clock).usageCounters(node())
                .lastUsedExecutor(Runnable::run).build();
    }

    private static AccessRequest request(String key) {
        return AccessRequest.builder().remoteAddress("127.0.0.1").method("GET").path("/x")
                .headers(n -> n.equalsIgnoreCase("X-API-Key") ? List.of(key) : List.of()).build();
    }
}
