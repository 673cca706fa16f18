package dev.apikey.jdbc;

import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyRequest;
import dev.apikey.KeyUpdate;
import dev.apikey.ScopeRequirement;
import dev.apikey.ScopeSet;
import dev.apikey.spi.TestRecords;
import dev.apikey.spi.VersionConflictException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Two nodes (two caching stores over two pools) on one real PostgreSQL: a change made on one is refused on the
 * other through LISTEN/NOTIFY. Node B's TTL runs on a fake ticker that stands still, so in these tests only a
 * notification (or a flush) can make B refuse what it cached; the test that loses a notification moves the ticker
 * past the TTL instead. The deadlines below are generous guards against a hang, not measurements: the measured
 * latencies are printed.
 */
class CachedNodesTest {
    @RegisterExtension
    static final PostgresDatabase DB = new PostgresDatabase();

    private static final Duration TTL = Duration.ofSeconds(5);
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final String NODE_B = "apikey-node-b";
    private static final int REVOCATIONS = 50;

    private final AtomicLong ticker = new AtomicLong();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private JdbcKeyStore storeA;
    private KeyManager nodeA;
    private CountingDataSource poolB;
    private JdbcKeyStore storeB;
    private ApiKeyVerifier nodeB;

    @BeforeEach
    void twoNodes() throws SQLException {
        DB.truncate();
        storeA = JdbcKeyStore.builder(DB.pool(4, "apikey-node-a", Duration.ofSeconds(5)))
                .cache(CacheOptions.ofDefaults()).build();
        nodeA = KeyManager.builder(storeA).build();
        poolB = new CountingDataSource(DB.pool(4, NODE_B, Duration.ofSeconds(5)));
        storeB = JdbcKeyStore.builder(poolB)
                .cache(CacheOptions.custom().ttl(TTL).ticker(ticker::get).build()).build();
        nodeB = ApiKeyVerifier.builder(storeB).from(KeyManager.builder(storeB).build())
                .auditSink(e -> { }).lastUsedExecutor(Runnable::run)
                // Refusals are what these tests wait for: no 429 in their place after a few of them.
                .clientThrottle(ClientThrottle.disabled()).build();
        closing.add(storeA);
        closing.add(storeB);
        closing.add(nodeB);
        awaitTrue("both nodes listen", () -> storeA.cacheListening() && storeB.cacheListening());
    }

    @AfterEach
    void stopNodes() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private IssuedKey issue() {
        return nodeA.issue(KeyRequest.builder().owner("billing-app").scopes("billing:read").build());
    }

    private int statusOnB(IssuedKey key) {
        return statusOnB(key, ScopeRequirement.none());
    }

    private int statusOnB(IssuedKey key, ScopeRequirement requirement) {
        return nodeB.verify(AccessRequest.builder()
                .headers(n -> n.equalsIgnoreCase("X-API-Key") ? List.of(key.key().reveal()) : List.of())
                .remoteAddress("127.0.0.1").requirement(requirement).build()).status();
    }

    /** Node B has the key cached: it answers 200 and a second answer runs no SQL. */
    private void cachedOnB(IssuedKey key, ScopeRequirement requirement) {
        assertThat(statusOnB(key, requirement)).isEqualTo(200);
        long before = poolB.statements();
        assertThat(statusOnB(key, requirement)).isEqualTo(200);
        assertThat(poolB.statements()).as("SQL statements of a cached verify").isEqualTo(before);
    }

    /** Nanoseconds from now until {@code done} holds; fails after the deadline. */
    private static long awaitTrue(String what, BooleanSupplier done) {
        long start = System.nanoTime();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - start > DEADLINE_NANOS) {
                fail("not within " + TimeUnit.NANOSECONDS.toSeconds(DEADLINE_NANOS) + " s: " + what);
            }
            // A short pause, not a spin: on a loaded machine a spinning poller takes the CPU that the listener
            // thread and the database need, and would measure itself.
            LockSupport.parkNanos(100_000);
        }
        return System.nanoTime() - start;
    }

    private static String millis(long nanos) {
        return String.format("%.2f ms", nanos / 1e6);
    }

    @Test
    void aKeyRevokedOnOneNodeIsRefusedOnTheOtherWithoutWaitingForTheTtl() {
        IssuedKey key = issue();
        cachedOnB(key, ScopeRequirement.none());

        nodeA.revoke(key.record().id());
        long latency = awaitTrue("node B refuses the revoked key", () -> statusOnB(key) == 401);

        System.out.println("[CachedNodesTest] revocation seen on node B after " + millis(latency));
        assertThat(storeA.findByDigest(key.record().digest()).orElseThrow().status().name()).isEqualTo("REVOKED");
    }

    /**
     * The latency between a revoking call returning on node A and node B refusing the key, over
     * {@value #REVOCATIONS} revocations, printed as p50 and p99 (measured, not asserted).
     */
    @Test
    void everyRevocationOfARunReachesTheOtherNodeAndTheLatencyIsPrinted() {
        long[] nanos = new long[REVOCATIONS];
        for (int i = 0; i < REVOCATIONS; i++) {
            IssuedKey key = issue();
            cachedOnB(key, ScopeRequirement.none());
            nodeA.revoke(key.record().id());
            nanos[i] = awaitTrue("node B refuses revoked key " + i, () -> statusOnB(key) == 401);
        }
        java.util.Arrays.sort(nanos);
        System.out.println("[CachedNodesTest] revocation A -> B through NOTIFY over " + REVOCATIONS + " keys: p50 "
                + millis(nanos[REVOCATIONS / 2]) + ", p99 " + millis(nanos[(int) Math.ceil(REVOCATIONS * 0.99) - 1])
                + ", max " + millis(nanos[REVOCATIONS - 1]));
    }

    @Test
    void aKeySuspendedOnOneNodeIsRefusedOnTheOtherAndWorksAgainWhenResumed() {
        IssuedKey key = issue();
        cachedOnB(key, ScopeRequirement.none());

        nodeA.suspend(key.record().id());
        long latency = awaitTrue("node B refuses the suspended key", () -> statusOnB(key) != 200);
        System.out.println("[CachedNodesTest] suspension seen on node B after " + millis(latency));
        nodeA.resume(key.record().id());
        awaitTrue("node B accepts the resumed key", () -> statusOnB(key) == 200);
        cachedOnB(key, ScopeRequirement.none());
    }

    @Test
    void aScopeRemovedOnOneNodeIsRefusedOnTheOther() {
        IssuedKey key = issue();
        ScopeRequirement billing = ScopeRequirement.all("billing:read");
        cachedOnB(key, billing);

        KeyRecord current = storeA.findById(key.record().id()).orElseThrow();
        storeA.update(current.toBuilder().scopes(ScopeSet.parse("reports:read")).build());
        long latency = awaitTrue("node B refuses the removed scope", () -> statusOnB(key, billing) == 403);

        System.out.println("[CachedNodesTest] scope change seen on node B after " + millis(latency));
        cachedOnB(key, ScopeRequirement.all("reports:read"));
    }

    @Test
    void anUpdateInPlaceOnOneNodeIsSeenOnTheOtherAndAStaleVersionLosesOnBoth() {
        IssuedKey key = issue();
        ScopeRequirement billing = ScopeRequirement.all("billing:read");
        cachedOnB(key, billing);
        KeyManager managerB = KeyManager.builder(storeB).build();
        long read = key.record().version();

        nodeA.update(key.record().id(), read, KeyUpdate.builder().scopes("reports:read").rateLimit("5/1s").build());
        long latency = awaitTrue("node B answers with the updated scopes", () -> statusOnB(key, billing) == 403);

        System.out.println("[CachedNodesTest] update seen on node B after " + millis(latency));
        cachedOnB(key, ScopeRequirement.all("reports:read"));
        assertThatThrownBy(() -> managerB.update(key.record().id(), read, KeyUpdate.builder().scopes("*").build()))
                .isInstanceOf(VersionConflictException.class);
        assertThat(storeB.findById(key.record().id()).orElseThrow().scopes().names()).containsExactly("reports:read");
    }

    @Test
    void theStoreCountsItsRecordsAndItsCachesHitsAndMissesForGauges() {
        IssuedKey key = issue();
        issue();
        long hits = storeB.cacheHits();
        long misses = storeB.cacheMisses();

        cachedOnB(key, ScopeRequirement.none());

        assertThat(storeB.cacheMisses()).isEqualTo(misses + 1);
        assertThat(storeB.cacheHits()).isEqualTo(hits + 1);
        assertThat(storeB.recordCount()).isEqualTo(2);
        assertThat(JdbcKeyStore.builder(DB.dataSource()).build().cacheHits()).as("no cache").isEqualTo(-1);
    }

    @Test
    void aCacheHitRunsNoSqlAndRecordingLastUseKeepsTheEntry() {
        IssuedKey key = issue();
        // The first verify reads the record and writes its last-used time (an UPDATE the trigger ignores).
        assertThat(statusOnB(key)).isEqualTo(200);
        long before = poolB.statements();

        for (int i = 0; i < 1_000; i++) {
            assertThat(statusOnB(key)).isEqualTo(200);
        }

        assertThat(poolB.statements() - before).as("SQL statements of 1,000 cached verifies").isZero();
        assertThat(storeB.cachedRecords()).isEqualTo(1);
    }

    @Test
    void aDigestNotFoundIsNotCachedSoAKeyCreatedElsewhereIsFoundAtOnce() {
        KeyRecord record = TestRecords.record();
        assertThat(storeB.findByDigest(record.digest())).isEmpty();

        KeyRecord stored = storeA.create(record);

        assertThat(storeB.findByDigest(record.digest())).contains(stored);
    }

    @Test
    void aLostNotificationIsCoveredByTheTtl() throws SQLException {
        IssuedKey key = issue();
        cachedOnB(key, ScopeRequirement.none());
        DB.execute("ALTER TABLE apikey_keys DISABLE TRIGGER apikey_keys_notify");
        try {
            nodeA.revoke(key.record().id());
            // Nothing tells node B: it still serves what it cached, as it may for up to the TTL.
            assertThat(statusOnB(key)).isEqualTo(200);

            ticker.addAndGet(TTL.toNanos() - 1);
            assertThat(statusOnB(key)).isEqualTo(200);
            ticker.addAndGet(1);
            assertThat(statusOnB(key)).isEqualTo(401);
        } finally {
            DB.execute("ALTER TABLE apikey_keys ENABLE TRIGGER apikey_keys_notify");
        }
    }

    @Test
    void aLostListeningConnectionFlushesTheCacheAndTheListenerComesBack() throws SQLException {
        IssuedKey revokedWhileAway = issue();
        IssuedKey revokedAfter = issue();
        cachedOnB(revokedWhileAway, ScopeRequirement.none());
        cachedOnB(revokedAfter, ScopeRequirement.none());

        assertThat(DB.terminateListener(NODE_B)).isEqualTo(1);
        awaitTrue("node B notices the lost connection", () -> !storeB.cacheListening());
        assertThat(storeB.cachedRecords()).as("records cached on node B once its listener is lost").isZero();
        // No notification can reach node B now; the flush made it forget what it had cached.
        nodeA.revoke(revokedWhileAway.record().id());
        assertThat(statusOnB(revokedWhileAway)).isEqualTo(401);

        long back = awaitTrue("node B listens again", storeB::cacheListening);
        System.out.println("[CachedNodesTest] node B listened again after " + millis(back));
        cachedOnB(revokedAfter, ScopeRequirement.none());
        nodeA.revoke(revokedAfter.record().id());
        awaitTrue("node B refuses a key revoked after it reconnected", () -> statusOnB(revokedAfter) == 401);
    }

    @Test
    void aClosedStoreGivesItsConnectionBackAndReadsTheDatabase() {
        IssuedKey key = issue();
        cachedOnB(key, ScopeRequirement.none());

        storeB.close();

        assertThat(storeB.cacheListening()).isFalse();
        assertThat(storeB.cachedRecords()).isZero();
        long before = poolB.statements();
        assertThat(statusOnB(key)).isEqualTo(200);
        assertThat(poolB.statements()).isGreaterThan(before);
    }
}
