package dev.apikey.hazelcast;

import com.hazelcast.cluster.ClusterState;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import dev.apikey.internal.LastUsedRecorder;
import dev.apikey.spi.KeyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A healed split brain: two one-member clusters of the same name hold diverging copies of the same records
 * (as after a partition), then find each other and merge. Whatever either side restricted survives: a
 * revocation, a suspension, the shorter expiry of a rotation, even when the other side only used the keys.
 */
class SplitBrainTest {
    private static final List<HazelcastInstance> MEMBERS = new ArrayList<>();

    @AfterAll
    static void stopMembers() {
        MEMBERS.forEach(m -> m.getLifecycleService().terminate());
    }

    /** Two members that know of each other but form separate clusters until {@link #heal} (index 0 finds 1). */
    private static HazelcastInstance[] split() {
        String name = "split-brain-" + UUID.randomUUID().toString().substring(0, 8);
        List<Integer> ports = TestCluster.freePorts(2);
        // A knows B's address (and will find it); B knows only itself, so both start as separate clusters.
        HazelcastInstance a = Hazelcast.newHazelcastInstance(TestCluster.memberConfig(name, ports.get(0), ports));
        MEMBERS.add(a);
        a.getMap("warm-up").put("k", "v");  // partitions are assigned on first use, which FROZEN forbids
        a.getCluster().changeClusterState(ClusterState.FROZEN);
        HazelcastInstance b = Hazelcast.newHazelcastInstance(TestCluster.memberConfig(name, ports.get(1), List.of(ports.get(1))));
        MEMBERS.add(b);
        b.getMap("warm-up").put("k", "v");
        b.getCluster().changeClusterState(ClusterState.FROZEN);
        return new HazelcastInstance[] {a, b};
    }

    /** Heal: with both clusters active again, A's split-brain handler finds B and one side merges into the other. */
    private static void heal(HazelcastInstance a, HazelcastInstance b) {
        assertThat(a.getCluster().getMembers()).hasSize(1);
        assertThat(b.getCluster().getMembers()).hasSize(1);
        a.getCluster().changeClusterState(ClusterState.ACTIVE);
        b.getCluster().changeClusterState(ClusterState.ACTIVE);
        TestCluster.awaitTrue(Duration.ofSeconds(60),
                () -> a.getCluster().getMembers().size() == 2 && b.getCluster().getMembers().size() == 2, "clusters merged");
    }

    @Test
    void revocationMadeOnEitherSideSurvivesTheMerge() {
        HazelcastInstance[] ab = split();
        HazelcastInstance a = ab[0];
        HazelcastInstance b = ab[1];
        HazelcastOptions options = TestCluster.freshMaps().build();
        KeyStore sideA = ApiKeyHazelcast.from(a, options).keyStore();
        KeyStore sideB = ApiKeyHazelcast.from(b, options).keyStore();

        // r1: revoked on A, updated twice (higher version) on B. r2: the other way round.
        KeyRecord r1 = Fixtures.record("split-1");
        KeyRecord r2 = Fixtures.record("split-2");
        KeyRecord onlyB = Fixtures.record("split-only-b");
        for (KeyStore s : List.of(sideA, sideB)) {
            s.create(r1);
            s.create(r2);
        }
        KeyRecord r1a = sideA.findById(r1.id()).orElseThrow();
        sideA.update(r1a.toBuilder().status(KeyStatus.REVOKED).build());
        KeyRecord r1b = sideB.update(sideB.findById(r1.id()).orElseThrow().toBuilder().owner("split-1b").build());
        sideB.update(r1b.toBuilder().owner("split-1c").build());
        KeyRecord r2b = sideB.findById(r2.id()).orElseThrow();
        sideB.update(r2b.toBuilder().status(KeyStatus.REVOKED).build());
        KeyRecord r2a = sideA.update(sideA.findById(r2.id()).orElseThrow().toBuilder().owner("split-2b").build());
        sideA.update(r2a.toBuilder().owner("split-2c").build());
        sideB.create(onlyB);

        heal(a, b);

        for (HazelcastInstance m : List.of(a, b)) {
            KeyStore store = ApiKeyHazelcast.from(m, options).keyStore();
            TestCluster.awaitTrue(Duration.ofSeconds(30), () -> store.findById(onlyB.id()).isPresent()
                    && store.findById(r1.id()).orElseThrow().status() == KeyStatus.REVOKED
                    && store.findById(r2.id()).orElseThrow().status() == KeyStatus.REVOKED, "merged records on " + m.getName());
        }
    }

    @Test
    void aSuspensionAndARotationsShorterExpirySurviveAMergeWithASideThatOnlyUsedTheKeys() {
        HazelcastInstance[] ab = split();
        HazelcastInstance a = ab[0];
        HazelcastInstance b = ab[1];
        HazelcastOptions options = TestCluster.freshMaps().build();
        KeyStore sideA = ApiKeyHazelcast.from(a, options).keyStore();
        KeyStore sideB = ApiKeyHazelcast.from(b, options).keyStore();
        KeyRecord suspended = Fixtures.record("split-suspended");
        KeyRecord rotated = Fixtures.record("split-rotated");
        for (KeyStore s : List.of(sideA, sideB)) {
            s.create(suspended);
            s.create(rotated);
        }

        // Side A: an administrator suspends one key and rotates the other with a 5-minute grace period.
        KeyManager adminOnA = KeyManager.builder(sideA).build();
        adminOnA.suspend(suspended.id());
        String successor = adminOnA.rotate(rotated.id(), Duration.ofMinutes(5)).record().id();
        Instant shortened = sideA.findById(rotated.id()).orElseThrow().expires();
        assertThat(shortened).isNotNull();

        // Side B: clients only use both keys, a minute and more apart, so each use records lastUsed.
        LastUsedRecorder uses = new LastUsedRecorder(sideB, Runnable::run);
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        for (int i = 0; i < 6; i++) {
            Instant at = t.plusSeconds(i * 120L);
            uses.used(sideB.findById(suspended.id()).orElseThrow(), at);
            uses.used(sideB.findById(rotated.id()).orElseThrow(), at);
        }
        Instant lastUseOnB = sideB.findById(suspended.id()).orElseThrow().lastUsed();
        assertThat(lastUseOnB).isEqualTo(t.plusSeconds(5 * 120L));

        heal(a, b);

        for (HazelcastInstance m : List.of(a, b)) {
            KeyStore store = ApiKeyHazelcast.from(m, options).keyStore();
            TestCluster.awaitTrue(Duration.ofSeconds(30), () -> store.findById(successor).isPresent()
                    && store.findById(suspended.id()).orElseThrow().status() == KeyStatus.SUSPENDED
                    && shortened.equals(store.findById(rotated.id()).orElseThrow().expires()),
                    "the restrictions of side A on " + m.getName());
            KeyRecord r = store.findById(rotated.id()).orElseThrow();
            assertThat(r.replacedBy()).isEqualTo(successor);
            assertThat(store.findById(suspended.id()).orElseThrow().lastUsed()).isIn(lastUseOnB, null);
        }
    }
}
