package dev.apikey;

import dev.apikey.spi.AuditSink;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Usage belongs to a key's lineage: a rotation successor continues its predecessor's rate-limit buckets, quota
 * and credits, so during a grace period the two keys together get no more than one key would (issue 26, item 8).
 */
class RotationUsageTest {
    private static final Duration GRACE = Duration.ofHours(1);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T10:00:00Z"));
    private final InMemoryKeyStore store = new InMemoryKeyStore();
    private final KeyManager manager = KeyManager.builder(store).clock(clock).build();
    private final ApiKeyVerifier verifier = ApiKeyVerifier.builder(store).from(manager)
            .auditSink(AuditSink.NONE).lastUsedExecutor(Runnable::run).build();

    private Outcome call(IssuedKey key) {
        String text = key.key().reveal();
        return verifier.verify(AccessRequest.builder().remoteAddress("127.0.0.1")
                .headers(n -> n.equalsIgnoreCase("x-api-key") ? List.of(text) : List.of()).build()).outcome();
    }

    /** {@code rounds} calls alternating between the keys; returns the outcomes in order. */
    private List<Outcome> alternate(int rounds, IssuedKey... keys) {
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            out.add(call(keys[i % keys.length]));
        }
        return out;
    }

    private static long allowed(List<Outcome> outcomes) {
        return outcomes.stream().filter(o -> o == Outcome.ALLOWED).count();
    }

    @Test
    void everyKeyOfARotationChainCarriesTheFirstKeysIdAsItsLineage() {
        IssuedKey first = manager.issue(KeyRequest.builder().owner("o").build());
        IssuedKey second = manager.rotate(first.record().id(), GRACE);
        IssuedKey third = manager.rotate(second.record().id(), GRACE);

        assertThat(first.record().lineage()).isEqualTo(first.record().id());
        assertThat(second.record().lineage()).isEqualTo(first.record().id());
        assertThat(third.record().lineage()).isEqualTo(first.record().id());
        assertThat(manager.get(first.record().id()).orElseThrow().lineage()).isEqualTo(first.record().id());
        assertThat(manager.get(third.record().id()).orElseThrow().lineage()).isEqualTo(first.record().id());
    }

    @Test
    void aRotatedKeyAndItsSuccessorShareOneRateLimitDuringTheGracePeriod() {
        IssuedKey old = manager.issue(KeyRequest.builder().owner("o").rateLimit("10/1h").build());
        assertThat(allowed(alternate(6, old))).isEqualTo(6);

        IssuedKey successor = manager.rotate(old.record().id(), GRACE);
        List<Outcome> both = alternate(20, old, successor);

        assertThat(allowed(both)).as("predecessor and successor together, %s", both).isEqualTo(4);
        assertThat(both.subList(4, 20)).containsOnly(Outcome.RATE_LIMITED);
    }

    @Test
    void aPolicyOfSeveralLimitsIsSharedByTheLineageToo() {
        IssuedKey old = manager.issue(KeyRequest.builder().owner("o").rateLimit("100/1s, 10/1h").build());
        assertThat(allowed(alternate(6, old))).isEqualTo(6);

        IssuedKey successor = manager.rotate(old.record().id(), GRACE);

        assertThat(allowed(alternate(20, old, successor))).isEqualTo(4);
    }

    @Test
    void keysOfOneLineageWithDifferentPoliciesCannotResetTheSharedStateByTakingTurns() {
        IssuedKey old = manager.issue(KeyRequest.builder().owner("o").rateLimit("10/1h").build());
        IssuedKey successor = manager.rotate(old.record().id(), GRACE);
        // An administrator gives the successor a bigger plan while the predecessor is still in its grace period.
        KeyRecord stored = store.findById(successor.record().id()).orElseThrow();
        store.update(stored.toBuilder().rateLimitPolicy(RateLimitPolicy.parse("20/1h")).build());

        List<Outcome> both = alternate(60, old, successor);

        assertThat(allowed(both)).as("taking turns, %s", both).isLessThanOrEqualTo(20);
        assertThat(both.subList(50, 60)).containsOnly(Outcome.RATE_LIMITED);
    }

    @Test
    void aKeyWhosePolicyChangesContinuesFromTheRequestsItHasTaken() {
        IssuedKey key = manager.issue(KeyRequest.builder().owner("o").rateLimit("10/1h").build());
        assertThat(allowed(alternate(12, key))).isEqualTo(10);

        KeyRecord stored = store.findById(key.record().id()).orElseThrow();
        store.update(stored.toBuilder().rateLimitPolicy(RateLimitPolicy.parse("20/1h")).build());

        // The bucket runs an hour ahead, past the new limit's tolerance: nothing now, and half an hour later
        // half of the new limit, where a fresh bucket would have given all 20 at once.
        assertThat(alternate(5, key)).containsOnly(Outcome.RATE_LIMITED);
        clock.advance(Duration.ofMinutes(30));
        assertThat(allowed(alternate(30, key))).isEqualTo(10);
    }

    @Test
    void theDeploymentsDefaultPolicyIsSharedByTheLineage() {
        ApiKeyVerifier withDefault = ApiKeyVerifier.builder(store).from(manager).auditSink(AuditSink.NONE)
                .lastUsedExecutor(Runnable::run).defaultRateLimit(RateLimitPolicy.parse("3/1h")).build();
        IssuedKey old = manager.issue(KeyRequest.builder().owner("o").build());
        IssuedKey successor = manager.rotate(old.record().id(), GRACE);
        int admitted = 0;
        for (int i = 0; i < 10; i++) {
            String text = (i % 2 == 0 ? old : successor).key().reveal();
            if (withDefault.verify(AccessRequest.builder().remoteAddress("127.0.0.1")
                    .headers(n -> n.equalsIgnoreCase("x-api-key") ? List.of(text) : List.of()).build()).isAllowed()) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(3);
    }

    @Test
    void aRotatedKeyAndItsSuccessorShareOneDailyQuota() {
        IssuedKey old = manager.issue(KeyRequest.builder().owner("o").quota("5/day").build());
        assertThat(allowed(alternate(3, old))).isEqualTo(3);

        IssuedKey successor = manager.rotate(old.record().id(), GRACE);
        List<Outcome> both = alternate(10, old, successor);

        assertThat(allowed(both)).as("predecessor and successor together, %s", both).isEqualTo(2);
        assertThat(both.subList(2, 10)).containsOnly(Outcome.QUOTA_EXCEEDED);
        // The shared quota is per calendar day: the next UTC day admits the successor again.
        clock.set(Instant.parse("2026-05-02T00:00:00Z"));
        assertThat(allowed(alternate(10, successor))).isEqualTo(5);
    }

    @Test
    void creditsAreSpentOncePerLineageAcrossRotationsAndOutliveEveryGracePeriod() {
        IssuedKey first = manager.issue(KeyRequest.builder().owner("o").credits(6).build());
        assertThat(allowed(alternate(3, first))).isEqualTo(3);

        IssuedKey second = manager.rotate(first.record().id(), GRACE);
        assertThat(allowed(alternate(2, first, second))).isEqualTo(2);
        IssuedKey third = manager.rotate(second.record().id(), GRACE);
        List<Outcome> all = alternate(9, first, second, third);

        assertThat(allowed(all)).as("three generations together, %s", all).isEqualTo(1);
        // The predecessors' grace periods end; what they spent stays spent for the key that remains.
        clock.advance(GRACE.plusMinutes(1));
        assertThat(alternate(3, third)).containsOnly(Outcome.CREDITS_EXHAUSTED);
        clock.advance(Duration.ofDays(400));
        assertThat(call(third)).isEqualTo(Outcome.CREDITS_EXHAUSTED);
    }

    @Test
    void keysOfDifferentLineagesKeepTheirOwnUsage() {
        IssuedKey a = manager.issue(KeyRequest.builder().owner("o").rateLimit("2/1h").credits(5).build());
        IssuedKey b = manager.issue(KeyRequest.builder().owner("o").rateLimit("2/1h").credits(5).build());

        assertThat(allowed(alternate(3, a))).isEqualTo(2);
        assertThat(allowed(alternate(3, b))).isEqualTo(2);
    }
}
