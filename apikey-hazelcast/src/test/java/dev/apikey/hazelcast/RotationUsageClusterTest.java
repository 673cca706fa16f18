package dev.apikey.hazelcast;

import com.hazelcast.core.EntryView;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.IssuedKey;
import dev.apikey.KeyIds;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.hazelcast.internal.SealedRecord;
import dev.apikey.KeyRequest;
import dev.apikey.Outcome;
import dev.apikey.RateLimitPolicy;
import dev.apikey.spi.AuditSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 26, item 8 in the cluster: a rotation successor continues its predecessor's distributed rate-limit
 * state, quota and credits, so the two keys used on three real members during a grace period get no more
 * than the one key's limit.
 */
class RotationUsageClusterTest {
    private static final int MEMBERS = 3;
    private static final Duration GRACE = Duration.ofHours(1);
    private static TestCluster cluster;

    private ApiKeyHazelcast first;
    private KeyManager manager;
    private List<ApiKeyVerifier> verifiers;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start("rotation-usage", MEMBERS);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    /** Fresh maps for each test, a manager on member 0 and a verifier on every member. */
    @BeforeEach
    void freshMaps() {
        HazelcastOptions options = TestCluster.freshMaps().build();
        verifiers = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            ApiKeyHazelcast hz = ApiKeyHazelcast.from(cluster.member(i), options);
            if (i == 0) {
                first = hz;
            }
            verifiers.add(ApiKeyVerifier.builder(hz.keyStore()).rateLimiter(hz.rateLimiter())
                    .usageCounters(hz.usageCounters()).auditSink(AuditSink.NONE)
                    .clientThrottle(ClientThrottle.disabled()).build());
        }
        manager = KeyManager.builder(first.keyStore()).build();
    }

    /** {@code rounds} calls, alternating between the keys and going round the members. */
    private List<Outcome> alternate(int rounds, IssuedKey... keys) {
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            out.add(verifiers.get(i % MEMBERS).verify(Fixtures.request(keys[i % keys.length].key().reveal())).outcome());
        }
        return out;
    }

    private static long allowed(List<Outcome> outcomes) {
        return outcomes.stream().filter(o -> o == Outcome.ALLOWED).count();
    }

    @Test
    void aSuccessorContinuesItsPredecessorsRateLimitOnEveryMember() {
        // A one-day period: no permit is refilled while the test runs.
        IssuedKey old = manager.issue(KeyRequest.builder().owner("rotating").rateLimit("10/1d").build());
        assertThat(allowed(alternate(6, old))).isEqualTo(6);

        IssuedKey successor = manager.rotate(old.record().id(), GRACE);
        List<Outcome> both = alternate(20, old, successor);

        assertThat(allowed(both)).as("predecessor and successor together, %s", both).isEqualTo(4);
        assertThat(both.subList(4, 20)).containsOnly(Outcome.RATE_LIMITED);
    }

    @Test
    void keysOfOneLineageWithDifferentPoliciesTakingTurnsOnTheMembersGetNoMoreThanTheMoreGenerousPolicy() {
        IssuedKey old = manager.issue(KeyRequest.builder().owner("rotating").rateLimit("10/1d").build());
        IssuedKey successor = manager.rotate(old.record().id(), GRACE);
        KeyRecord stored = first.keyStore().findById(successor.record().id()).orElseThrow();
        first.keyStore().update(stored.toBuilder().rateLimitPolicy(RateLimitPolicy.parse("20/1d")).build());

        List<Outcome> both = alternate(60, old, successor);

        assertThat(allowed(both)).as("taking turns, %s", both).isBetween(10L, 20L);
    }

    @Test
    void aSuccessorContinuesItsPredecessorsQuotaOnEveryMember() {
        IssuedKey old = manager.issue(KeyRequest.builder().owner("rotating").quota("5/day").build());
        assertThat(allowed(alternate(3, old))).isEqualTo(3);

        IssuedKey successor = manager.rotate(old.record().id(), GRACE);
        List<Outcome> both = alternate(10, old, successor);

        assertThat(allowed(both)).as("predecessor and successor together, %s", both).isEqualTo(2);
        assertThat(both.subList(2, 10)).containsOnly(Outcome.QUOTA_EXCEEDED);
    }

    @Test
    void aSuccessorContinuesItsPredecessorsCreditsAndTheCounterOutlivesTheGracePeriod() {
        Instant expires = Instant.now().plus(Duration.ofDays(30));
        IssuedKey old = manager.issue(KeyRequest.builder().owner("rotating").credits(4).expiresAt(expires).build());
        assertThat(allowed(alternate(2, old))).isEqualTo(2);

        IssuedKey successor = manager.rotate(old.record().id(), GRACE);
        List<Outcome> both = alternate(8, successor, old);

        assertThat(allowed(both)).as("successor and predecessor together, %s", both).isEqualTo(2);
        assertThat(both.subList(2, 8)).containsOnly(Outcome.CREDITS_EXHAUSTED);
        // The predecessor spent the last credit. That must not give the shared counter the predecessor's one-hour
        // life: when its grace ended the successor would get its credits back.
        EntryView<String, Long> counter = cluster.member(0).<String, Long>getMap(first.options().counterMap())
                .getEntryView(old.record().id() + ":c");
        assertThat(counter.getValue()).isEqualTo(4L);
        assertThat(counter.getExpirationTime()).isGreaterThan(expires.minusSeconds(5).toEpochMilli());
    }

    @Test
    void aRecordStoredBeforeLineageExistedReadsAsItsOwnLineage() {
        KeyRecord r = Fixtures.record("old-member").toBuilder().replaces(KeyIds.newId()).version(3).build();
        // The record as a member without the field wrote it: the same type, every field but lineage.
        GenericRecord old = LegacyRecords.of(r, new byte[32], false);
        SerializationService ss = ((SerializationServiceSupport) cluster.member(1)).getSerializationService();
        Data data = ss.toData(old);

        KeyRecord read = ((SealedRecord) ss.toObject(data)).record();

        assertThat(read.id()).isEqualTo(r.id());
        assertThat(read.lineage()).isEqualTo(r.id());
        assertThat(read.version()).isEqualTo(3);
    }
}
