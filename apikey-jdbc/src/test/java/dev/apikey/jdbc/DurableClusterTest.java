package dev.apikey.jdbc;

import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.KeyStatus;
import dev.apikey.Outcome;
import dev.apikey.hazelcast.ApiKeyHazelcast;
import dev.apikey.hazelcast.HazelcastOptions;
import dev.apikey.hazelcast.TestCluster;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.StoreUnavailableException;
import com.hazelcast.map.IMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 28, item 4: a Hazelcast cluster whose registry is backed by {@link JdbcKeyStore} on a real PostgreSQL,
 * three real members on 127.0.0.1. Credits and quotas are counted by {@link JdbcUsageCounters} directly.
 */
class DurableClusterTest {
    private static final int MEMBERS = 3;

    @RegisterExtension
    static final PostgresDatabase DB = new PostgresDatabase();

    private final List<TestCluster> clusters = new ArrayList<>();
    private final List<ApiKeyHazelcast> handles = new ArrayList<>();

    @BeforeEach
    void emptyTables() throws SQLException {
        DB.truncate();
        DB.execute("DROP TRIGGER IF EXISTS refuse_writes ON apikey_keys");
    }

    @AfterEach
    void stopClusters() {
        handles.forEach(ApiKeyHazelcast::close);
        clusters.forEach(TestCluster::close);
    }

    /** A cluster started from nothing, its registry backed by the database, as after a full restart. */
    private Node[] startCluster(String name) {
        JdbcKeyStore store = JdbcKeyStore.builder(DB.dataSource()).build();
        HazelcastOptions options = HazelcastOptions.custom().clusterSecret(TestCluster.SECRET).backingStore(store).build();
        TestCluster cluster = TestCluster.start(name, MEMBERS, options);
        clusters.add(cluster);
        JdbcUsageCounters counters = JdbcUsageCounters.builder(DB.dataSource()).build();
        Node[] nodes = new Node[MEMBERS];
        for (int i = 0; i < MEMBERS; i++) {
            ApiKeyHazelcast hz = ApiKeyHazelcast.from(cluster.member(i), options);
            handles.add(hz);
            nodes[i] = new Node(hz, KeyManager.builder(hz.keyStore()).build(), ApiKeyVerifier.builder(hz.keyStore())
                    .rateLimiter(hz.rateLimiter()).usageCounters(counters).auditSink(AuditSink.NONE)
                    .clientThrottle(ClientThrottle.disabled()).build());
        }
        return nodes;
    }

    private void stopEveryMember() {
        handles.forEach(ApiKeyHazelcast::close);
        handles.clear();
        clusters.forEach(TestCluster::close);
        clusters.clear();
    }

    private record Node(ApiKeyHazelcast hz, KeyManager manager, ApiKeyVerifier verifier) {
        Outcome verify(IssuedKey key) {
            return verifier.verify(request(key.key().reveal())).outcome();
        }
    }

    private static AccessRequest request(String key) {
        return AccessRequest.builder().headers(name -> name.equalsIgnoreCase("X-API-Key") ? List.of(key) : List.of())
                .remoteAddress("127.0.0.1").method("GET").path("/api/invoices").build();
    }

    private static List<Outcome> onEveryMember(Node[] nodes, IssuedKey key) {
        List<Outcome> out = new ArrayList<>();
        for (Node n : nodes) {
            out.add(n.verify(key));
        }
        return out;
    }

    @Test
    void afterEveryMemberIsStoppedANewClusterServesEveryKeyRevocationAndCreditBalanceAsBefore() {
        Node[] before = startCluster("durable");
        List<IssuedKey> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            keys.add(before[i % MEMBERS].manager().issue(KeyRequest.builder().owner("durable").build()));
        }
        IssuedKey revoked = keys.get(7);
        before[1].manager().revoke(revoked.record().id());
        IssuedKey paying = before[2].manager().issue(KeyRequest.builder().owner("durable").credits(5).build());
        for (int i = 0; i < 3; i++) {
            assertThat(before[i].verify(paying)).isEqualTo(Outcome.ALLOWED);
        }
        assertThat(onEveryMember(before, revoked)).containsOnly(Outcome.REVOKED_KEY);

        stopEveryMember();
        Node[] after = startCluster("durable-again");

        for (IssuedKey k : keys) {
            assertThat(onEveryMember(after, k)).as("key %s", k.record().id())
                    .containsOnly(k == revoked ? Outcome.REVOKED_KEY : Outcome.ALLOWED);
        }
        assertThat(after[0].manager().get(revoked.record().id()).orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(after[1].manager().list(KeyQuery.all())).hasSize(21);
        assertThat(List.of(after[0].verify(paying), after[1].verify(paying), after[2].verify(paying)))
                .containsExactly(Outcome.ALLOWED, Outcome.ALLOWED, Outcome.CREDITS_EXHAUSTED);
        // Revoking after the restart is written through too, and a tombstone cannot be turned back.
        after[2].manager().revoke(keys.get(0).record().id());
        assertThat(onEveryMember(after, keys.get(0))).containsOnly(Outcome.REVOKED_KEY);
    }

    @Test
    void aRowUnrevokedInTheDatabaseWithoutTheSecretIsRefusedAfterARestart() throws SQLException {
        Node[] before = startCluster("tamper");
        IssuedKey key = before[0].manager().issue(KeyRequest.builder().owner("tamper").build());
        before[0].manager().revoke(key.record().id());
        IssuedKey widened = before[0].manager().issue(KeyRequest.builder().owner("tamper").scopes("reports:read").build());
        IssuedKey untouched = before[0].manager().issue(KeyRequest.builder().owner("tamper").build());
        stopEveryMember();

        DB.execute("UPDATE apikey_keys SET status = 'ACTIVE' WHERE id = '" + key.record().id() + "'");
        DB.execute("UPDATE apikey_keys SET scopes = ARRAY['*'] WHERE id = '" + widened.record().id() + "'");
        Node[] after = startCluster("tamper-again");

        assertThat(onEveryMember(after, untouched)).containsOnly(Outcome.ALLOWED);
        assertThat(onEveryMember(after, key)).containsOnly(Outcome.UNKNOWN_KEY);
        assertThat(onEveryMember(after, widened)).containsOnly(Outcome.UNKNOWN_KEY);
    }

    @Test
    void aDatabaseWriteFailureFailsTheAdminCallAndLeavesTheMapUnchanged() throws SQLException {
        Node[] nodes = startCluster("failing-db");
        IssuedKey key = nodes[0].manager().issue(KeyRequest.builder().owner("failing").build());
        int stored = nodes[0].manager().list(KeyQuery.all()).size();
        DB.execute("CREATE OR REPLACE FUNCTION refuse_apikey_writes() RETURNS trigger LANGUAGE plpgsql AS"
                + " $$ BEGIN RAISE EXCEPTION 'writes refused by the test'; END $$");
        DB.execute("CREATE TRIGGER refuse_writes BEFORE INSERT OR UPDATE ON apikey_keys FOR EACH ROW"
                + " EXECUTE FUNCTION refuse_apikey_writes()");

        // StoreUnavailableException: the admin API answers 503.
        assertThatThrownBy(() -> nodes[1].manager().revoke(key.record().id()))
                .isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> nodes[2].manager().issue(KeyRequest.builder().owner("failing").build()))
                .isInstanceOf(StoreUnavailableException.class);

        assertThat(onEveryMember(nodes, key)).containsOnly(Outcome.ALLOWED);
        for (Node n : nodes) {
            assertThat(n.hz().keyStore().findById(key.record().id()).orElseThrow().status()).isEqualTo(KeyStatus.ACTIVE);
            assertThat(n.manager().list(KeyQuery.all())).hasSize(stored);
        }
        assertThat(DB.queryString("SELECT status FROM apikey_keys WHERE id = '" + key.record().id() + "'"))
                .isEqualTo("ACTIVE");

        DB.execute("DROP TRIGGER refuse_writes ON apikey_keys");
        nodes[1].manager().revoke(key.record().id());
        assertThat(onEveryMember(nodes, key)).containsOnly(Outcome.REVOKED_KEY);
    }

    @Test
    void anEvictedTombstoneComesBackFromTheDatabaseAndItsRowStays() throws SQLException {
        Node[] nodes = startCluster("evict");
        IssuedKey key = nodes[0].manager().issue(KeyRequest.builder().owner("evict").build());
        nodes[0].manager().revoke(key.record().id());
        IMap<String, Object> registry = nodes[1].hz().instance().getMap(nodes[1].hz().options().registryMap());

        // The write guard answers an evict with an exception after Hazelcast has already removed the entry.
        evictRegardless(() -> registry.evict(key.record().digest().encoded()));
        assertThat(onEveryMember(nodes, key)).containsOnly(Outcome.REVOKED_KEY);
        evictRegardless(registry::evictAll);
        assertThat(onEveryMember(nodes, key)).containsOnly(Outcome.REVOKED_KEY);

        assertThat(DB.queryString("SELECT status FROM apikey_keys WHERE id = '" + key.record().id() + "'"))
                .isEqualTo("REVOKED");
    }

    private static void evictRegardless(Runnable evict) {
        try {
            evict.run();
        } catch (RuntimeException refusedAfterTheFact) {
            // See the caller: what matters is what the members serve afterwards.
        }
    }

    /** Prints what write-through costs an admin write; asserts nothing about time (the machine is shared). */
    @Test
    void anAdminWriteThroughTheMapStoreIsMeasuredAgainstTheSameWriteWithoutOne() {
        int writes = 200;
        TestCluster plain = TestCluster.start("no-store", MEMBERS);
        clusters.add(plain);
        ApiKeyHazelcast memoryOnly = ApiKeyHazelcast.from(plain.member(0), TestCluster.freshMaps().build());
        handles.add(memoryOnly);
        double[] without = adminWrites(KeyManager.builder(memoryOnly.keyStore()).build(), writes);
        double[] with = adminWrites(startCluster("with-store")[0].manager(), writes);

        System.out.printf("[durable cluster] admin write (suspend or resume) on 3 members, %d writes: without a MapStore"
                + " p50 %.2f ms, p99 %.2f ms; through the JDBC MapStore p50 %.2f ms, p99 %.2f ms%n",
                writes, without[0], without[1], with[0], with[1]);
        assertThat(with[0]).isPositive();
        assertThat(without[0]).isPositive();
    }

    /** p50 and p99 in milliseconds of {@code n} alternating suspends and resumes of one key, after a warm-up. */
    private static double[] adminWrites(KeyManager manager, int n) {
        String id = manager.issue(KeyRequest.builder().owner("timing").build()).record().id();
        for (int i = 0; i < 50; i++) {
            toggle(manager, id, i);
        }
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            toggle(manager, id, i);
            nanos[i] = System.nanoTime() - t0;
        }
        java.util.Arrays.sort(nanos);
        return new double[] {nanos[n / 2] / 1e6, nanos[(int) (n * 0.99)] / 1e6};
    }

    private static void toggle(KeyManager manager, String id, int i) {
        if (i % 2 == 0) {
            manager.suspend(id);
        } else {
            manager.resume(id);
        }
    }
}
