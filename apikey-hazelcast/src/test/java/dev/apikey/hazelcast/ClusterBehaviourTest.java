package dev.apikey.hazelcast;

import com.hazelcast.core.EntryView;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import com.hazelcast.internal.serialization.impl.SerializationConstants;
import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.Decision;
import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.KeyUpdate;
import dev.apikey.Outcome;
import dev.apikey.Quota;
import dev.apikey.RateLimitPolicy;
import dev.apikey.ScopeRequirement;
import dev.apikey.hazelcast.internal.ClusterKeys;
import dev.apikey.hazelcast.internal.CounterProcessor;
import dev.apikey.hazelcast.internal.PutIfAbsentProcessor;
import dev.apikey.hazelcast.internal.RecordUseProcessor;
import dev.apikey.hazelcast.internal.SealedRecord;
import dev.apikey.hazelcast.internal.GcraProcessor;
import dev.apikey.hazelcast.internal.HazelcastRateLimiter;
import dev.apikey.hazelcast.internal.UpdateRecordProcessor;
import dev.apikey.spi.RateLimiter;
import dev.apikey.spi.VersionConflictException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Three real members on loopback: revocation propagation, distributed rate limits and quotas. */
class ClusterBehaviourTest {
    private static final int MEMBERS = 3;
    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start("cluster-behaviour", MEMBERS);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static List<ApiKeyHazelcast> onEveryMember(HazelcastOptions options) {
        List<ApiKeyHazelcast> out = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            out.add(ApiKeyHazelcast.from(cluster.member(i), options));
        }
        return out;
    }

    private static ApiKeyVerifier verifier(ApiKeyHazelcast hz) {
        return ApiKeyVerifier.builder(hz.keyStore()).rateLimiter(hz.rateLimiter()).usageCounters(hz.usageCounters())
                .clientThrottle(ClientThrottle.disabled()).build();
    }

    @Test
    void revokedKeyIsRejectedOnEveryMember() {
        List<ApiKeyHazelcast> hz = onEveryMember(TestCluster.freshMaps().build());
        KeyManager manager = KeyManager.builder(hz.get(0).keyStore()).build();
        ApiKeyVerifier b = verifier(hz.get(1));
        ApiKeyVerifier c = verifier(hz.get(2));
        int rounds = 200;
        long[] micros = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            IssuedKey issued = manager.issue(KeyRequest.builder().owner("propagation").scopes("billing:read").build());
            String key = issued.key().reveal();
            // Both members have the record in their near caches before the revocation.
            assertThat(b.verify(Fixtures.request(key)).status()).isEqualTo(200);
            assertThat(c.verify(Fixtures.request(key)).status()).isEqualTo(200);
            manager.revoke(issued.record().id());
            long revokedAt = System.nanoTime();
            long deadline = revokedAt + Duration.ofSeconds(1).toNanos();
            boolean bDone = false;
            boolean cDone = false;
            while (!(bDone && cDone)) {
                bDone = bDone || b.verify(Fixtures.request(key)).outcome() == Outcome.REVOKED_KEY;
                cDone = cDone || c.verify(Fixtures.request(key)).outcome() == Outcome.REVOKED_KEY;
                assertThat(System.nanoTime()).as("revocation %d reached members B and C within 1 s", i).isLessThan(deadline);
            }
            micros[i] = (System.nanoTime() - revokedAt) / 1000;
        }
        Arrays.sort(micros);
        long p50 = micros[rounds / 2];
        long p99 = micros[(int) Math.ceil(rounds * 0.99) - 1];
        System.out.printf("revocation propagation over %d revocations (3 members): p50=%d us, p99=%d us, max=%d us%n",
                rounds, p50, p99, micros[rounds - 1]);
        assertThat(p99).isLessThan(1_000_000);
    }

    @Test
    void anUpdateInPlaceOnOneMemberIsSeenOnEveryMemberAndAStaleVersionLoses() {
        List<ApiKeyHazelcast> hz = onEveryMember(TestCluster.freshMaps().build());
        KeyManager a = KeyManager.builder(hz.get(0).keyStore()).build();
        KeyManager b = KeyManager.builder(hz.get(1).keyStore()).build();
        ApiKeyVerifier c = verifier(hz.get(2));
        IssuedKey issued = a.issue(KeyRequest.builder().owner("update").scopes("billing:read").build());
        String key = issued.key().reveal();
        AccessRequest billing = AccessRequest.builder()
                .headers(name -> name.equalsIgnoreCase("X-API-Key") ? List.of(key) : List.of())
                .remoteAddress("127.0.0.1").requirement(ScopeRequirement.all("billing:read")).build();
        assertThat(c.verify(billing).status()).isEqualTo(200);
        long read = issued.record().version();

        a.update(issued.record().id(), read, KeyUpdate.builder().scopes("reports:read").build());

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (c.verify(billing).outcome() != Outcome.INSUFFICIENT_SCOPE) {
            assertThat(System.nanoTime()).as("member C answers with the updated scopes").isLessThan(deadline);
            Thread.onSpinWait();
        }
        assertThatThrownBy(() -> b.update(issued.record().id(), read, KeyUpdate.builder().scopes("*").build()))
                .isInstanceOf(VersionConflictException.class);
        assertThat(b.get(issued.record().id()).orElseThrow().scopes().names()).containsExactly("reports:read");
    }

    @Test
    void theRegistryCountsItsRecordsOnEveryMemberForTheGauge() {
        List<ApiKeyHazelcast> hz = onEveryMember(TestCluster.freshMaps().build());
        KeyManager manager = KeyManager.builder(hz.get(0).keyStore()).build();
        manager.issue(KeyRequest.builder().owner("count").build());
        manager.issue(KeyRequest.builder().owner("count").build());
        for (ApiKeyHazelcast member : hz) {
            assertThat(((dev.apikey.spi.StoreStatistics) member.keyStore()).recordCount()).isEqualTo(2);
        }
    }

    @Test
    void aWriteRunTwiceIsNotADuplicateButAnotherValueUnderTheSameKeyIs() {
        ClusterKeys keys = ClusterKeys.of(TestCluster.SECRET);
        com.hazelcast.map.IMap<String, Object> ids = cluster.member(0).getMap("apikey-test-put-if-absent");
        String digest = Fixtures.randomDigest().encoded();

        assertThat(ids.executeOnKey("key_retried", PutIfAbsentProcessor.of(keys, "key_retried", digest))).isTrue();
        assertThat(ids.executeOnKey("key_retried", PutIfAbsentProcessor.of(keys, "key_retried", digest))).isTrue();
        assertThat(ids.executeOnKey("key_retried", PutIfAbsentProcessor.of(keys, "key_retried",
                Fixtures.randomDigest().encoded()))).isFalse();
        assertThat(ids.get("key_retried")).isEqualTo(digest);
    }

    /** 32 threads spread over the members' verifiers, all on one key; returns how many were allowed. */
    private static int hammer(List<ApiKeyVerifier> verifiers, String key, int attemptsPerThread) throws Exception {
        return hammer(verifiers, List.of(key), attemptsPerThread);
    }

    /** 32 threads spread over the members' verifiers and over {@code keys}; returns how many were allowed. */
    private static int hammer(List<ApiKeyVerifier> verifiers, List<String> keys, int attemptsPerThread) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        AtomicInteger allowed = new AtomicInteger();
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                ApiKeyVerifier v = verifiers.get(t % verifiers.size());
                String key = keys.get(t % keys.size());
                tasks.add(() -> {
                    for (int i = 0; i < attemptsPerThread; i++) {
                        Decision d = v.verify(Fixtures.request(key));
                        assertThat(d.outcome()).isIn(Outcome.ALLOWED, Outcome.RATE_LIMITED);
                        if (d.isAllowed()) {
                            allowed.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return allowed.get();
    }

    @Test
    void exactModeAdmitsAtMostTheLimitAcrossMembers() throws Exception {
        List<ApiKeyHazelcast> hz = onEveryMember(TestCluster.freshMaps().build());
        int limit = 100;
        // A one-day period: no permit is refilled while the test runs.
        IssuedKey issued = KeyManager.builder(hz.get(0).keyStore()).build()
                .issue(KeyRequest.builder().owner("exact").rateLimit(limit + "/1d").build());
        int allowed = hammer(hz.stream().map(ClusterBehaviourTest::verifier).toList(), issued.key().reveal(), 10);
        System.out.printf("exact mode: %d of 320 requests allowed with limit %d%n", allowed, limit);
        assertThat(allowed).isEqualTo(limit);
    }

    @Test
    void leaseModeAdmitsAtMostTheLimitAndStrandsAtMostOneLeasePerMember() throws Exception {
        leaseRun("200/1d", hz -> List.of(KeyManager.builder(hz.keyStore()).build()
                .issue(KeyRequest.builder().owner("lease").rateLimit("200/1d").build()).key().reveal()));
    }

    /**
     * 640 requests on {@code keys} of a fresh lease-mode cluster whose leases outlive the test (so only the end state
     * can strand permits), under a limit of 200 a day: at most 200 pass, and at most one lease per member is stranded.
     */
    private void leaseRun(String policyText, java.util.function.Function<ApiKeyHazelcast, List<String>> keys)
            throws Exception {
        int k = 20;
        HazelcastOptions options = TestCluster.freshMaps().rateLimitMode(RateLimitMode.LEASE).leasePermits(k)
                .leaseDuration(Duration.ofSeconds(5)).build();
        List<ApiKeyHazelcast> hz = onEveryMember(options);
        int limit = 200;
        int lease = HazelcastRateLimiter.leaseSize(RateLimitPolicy.parse(policyText), k);
        List<String> used = keys.apply(hz.get(0));
        int allowed = hammer(hz.stream().map(ClusterBehaviourTest::verifier).toList(), used, 20);
        System.out.printf("lease mode, %s: %d of 640 requests on %d key(s) allowed, lease size %d%n", policyText,
                allowed, used.size(), lease);
        assertThat(allowed).isLessThanOrEqualTo(limit).isGreaterThanOrEqualTo(limit - MEMBERS * (lease - 1));
    }

    /** Seven keys of one owner (7 and 3 members: every key meets every member), each asked for the owner's limit. */
    private static List<String> ownersKeys(ApiKeyHazelcast hz, RateLimitPolicy policy) {
        KeyManager manager = KeyManager.builder(hz.keyStore()).build();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            keys.add(manager.issue(KeyRequest.builder().owner("shared-" + policy).tenant("t").rateLimit(policy).build())
                    .key().reveal());
        }
        return keys;
    }

    @Test
    void aLimitPerOwnerHoldsForAllItsKeysAcrossMembersInExactMode() throws Exception {
        List<ApiKeyHazelcast> hz = onEveryMember(TestCluster.freshMaps().build());
        int limit = 100;
        List<String> keys = ownersKeys(hz.get(0), RateLimitPolicy.parse(limit + "/1d per owner"));
        int allowed = hammer(hz.stream().map(ClusterBehaviourTest::verifier).toList(), keys, 10);
        System.out.printf("exact mode, per owner: %d of 320 requests on 7 keys allowed with limit %d%n", allowed, limit);
        assertThat(allowed).isEqualTo(limit);
    }

    @Test
    void aLimitPerTenantInLeaseModeKeepsThePerKeyBound() throws Exception {
        leaseRun("200/1d per tenant", hz -> ownersKeys(hz, RateLimitPolicy.parse("200/1d per tenant")));
    }

    @Test
    void leaseModeOverAdmissionInAnyWindowStaysWithinTheDocumentedBound() {
        int k = 5;
        long leaseNanos = Duration.ofMillis(50).toNanos();
        HazelcastOptions options = TestCluster.freshMaps().rateLimitMode(RateLimitMode.LEASE).leasePermits(k)
                .leaseDuration(Duration.ofNanos(leaseNanos)).build();
        List<RateLimiter> limiters = onEveryMember(options).stream().map(ApiKeyHazelcast::rateLimiter).toList();
        RateLimitPolicy policy = RateLimitPolicy.parse("100/1s");
        long t = Duration.ofSeconds(1).toNanos() / 100;
        long b = 100;
        long window = Duration.ofSeconds(1).toNanos();
        long lease = HazelcastRateLimiter.leaseSize(policy, k);
        long bound = b + window / t + Math.min(ceilDiv(leaseNanos, t), MEMBERS * (lease - 1));
        // Simulated time (the limiter takes the pipeline's clock): 3 s of one request per millisecond,
        // ten times the rate, spread round-robin over the members.
        long start = System.currentTimeMillis() * 1_000_000L;
        List<Long> admitted = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            long now = start + i * 1_000_000L;
            if (limiters.get(i % MEMBERS).tryAcquire("key_lease_window", policy, now).allowed()) {
                admitted.add(now);
            }
        }
        int worst = 0;
        for (int i = 0, j = 0; i < admitted.size(); i++) {
            while (admitted.get(i) - admitted.get(j) >= window) {
                j++;
            }
            worst = Math.max(worst, i - j + 1);
        }
        System.out.printf("lease mode: worst 1 s window admitted %d (exact-mode bound %d, documented lease bound %d)%n",
                worst, b + window / t, bound);
        assertThat(worst).isLessThanOrEqualTo((int) bound);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    @Test
    void quotaAndCreditsAreCountedOnceAcrossMembers() {
        List<ApiKeyHazelcast> hz = onEveryMember(TestCluster.freshMaps().build());
        KeyManager manager = KeyManager.builder(hz.get(0).keyStore()).build();
        List<ApiKeyVerifier> verifiers = hz.stream().map(ClusterBehaviourTest::verifier).toList();
        IssuedKey quota = manager.issue(KeyRequest.builder().owner("quota").quota("5/day").build());
        IssuedKey credits = manager.issue(KeyRequest.builder().owner("credits").credits(4).build());
        List<Outcome> quotaOutcomes = new ArrayList<>();
        List<Outcome> creditOutcomes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            quotaOutcomes.add(verifiers.get(i % MEMBERS).verify(Fixtures.request(quota.key().reveal())).outcome());
            creditOutcomes.add(verifiers.get(i % MEMBERS).verify(Fixtures.request(credits.key().reveal())).outcome());
        }
        assertThat(quotaOutcomes).containsExactly(Outcome.ALLOWED, Outcome.ALLOWED, Outcome.ALLOWED, Outcome.ALLOWED,
                Outcome.ALLOWED, Outcome.QUOTA_EXCEEDED, Outcome.QUOTA_EXCEEDED, Outcome.QUOTA_EXCEEDED);
        assertThat(creditOutcomes).containsExactly(Outcome.ALLOWED, Outcome.ALLOWED, Outcome.ALLOWED, Outcome.ALLOWED,
                Outcome.CREDITS_EXHAUSTED, Outcome.CREDITS_EXHAUSTED, Outcome.CREDITS_EXHAUSTED, Outcome.CREDITS_EXHAUSTED);
        // The quota counter leaves the map when its UTC day ends.
        Instant now = Instant.now();
        Quota q = Quota.parse("5/day");
        String counterId = quota.record().id() + ":q:" + q.periodStart(now).getEpochSecond();
        EntryView<String, Long> view = cluster.member(0).<String, Long>getMap(hz.get(0).options().counterMap()).getEntryView(counterId);
        assertThat(view.getValue()).isEqualTo(5L);
        assertThat(view.getExpirationTime()).isBetween(q.periodEnd(now).toEpochMilli() - 5_000, q.periodEnd(now).toEpochMilli() + 5_000);
    }

    @Test
    void rateLimitStateExpiresWhenItNoLongerMatters() {
        ApiKeyHazelcast hz = ApiKeyHazelcast.from(cluster.member(1), TestCluster.freshMaps().build());
        long now = System.currentTimeMillis() * 1_000_000L;
        hz.rateLimiter().tryAcquire("key_ttl", RateLimitPolicy.parse("10/1m"), now);
        EntryView<String, Object> view = cluster.member(0).<String, Object>getMap(hz.options().rateLimitMap()).getEntryView("key_ttl");
        // One request of a 10/1m limit moves the TAT 6 s ahead; the entry lives that long plus a second.
        assertThat(view.getTtl()).isBetween(6_000L, 8_000L);
    }

    @Test
    void recordsAndEntryProcessorsTravelAsCompactNotJavaSerialization() {
        SerializationService ss = ((SerializationServiceSupport) cluster.member(0)).getSerializationService();
        ClusterKeys keys = ClusterKeys.of(TestCluster.SECRET);
        SealedRecord sealed = SealedRecord.seal(keys, Fixtures.fullRecord("ser").toBuilder().version(1).build());
        for (Object o : List.of(sealed, GcraProcessor.of(keys, "b", "10/1s", 1, 1), CounterProcessor.of(keys, "c", 5, 1),
                UpdateRecordProcessor.of(keys, "d", sealed), PutIfAbsentProcessor.of(keys, "e", sealed),
                RecordUseProcessor.of(keys, "f", "key_x", Instant.EPOCH))) {
            assertThat(ss.toData(o).getType()).as(o.getClass().getSimpleName()).isEqualTo(SerializationConstants.TYPE_COMPACT);
        }
    }
}
