package dev.apikey.hazelcast;

import dev.apikey.spi.RateLimiter;
import dev.apikey.spi.RateLimiterContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.apikey.RateLimitPolicy;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core rate limiter contract on the cluster's exact mode, called through one member of a two-member cluster,
 * so most buckets live on the other member.
 */
class HazelcastRateLimiterContractTest extends RateLimiterContract {
    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start("limiter-contract", 2);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    protected RateLimiter newLimiter() {
        return ApiKeyHazelcast.from(cluster.member(1), TestCluster.freshMaps().build()).rateLimiter();
    }

    /**
     * The state of a bucket lives until its limits are fully replenished plus a second, by a TTL on the members'
     * clocks; this one test therefore runs on the real clock and waits about two seconds. A returning key must start
     * afresh, not meet the guard's refusal of the expired entry's removal (it did: one 503 per key after each idle).
     */
    @Test
    void aBucketIdlePastItsStatesLifetimeStartsAfresh() {
        RateLimiter limiter = newLimiter();
        RateLimitPolicy policy = RateLimitPolicy.parse("1/100ms");
        long first = System.currentTimeMillis() * 1_000_000L;
        assertThat(limiter.tryAcquire("idle-bucket", policy, first).allowed()).isTrue();
        long until = System.currentTimeMillis() + 2_500;
        TestCluster.awaitTrue(Duration.ofSeconds(10), () -> System.currentTimeMillis() > until, "the state's TTL");

        assertThat(limiter.tryAcquire("idle-bucket", policy, System.currentTimeMillis() * 1_000_000L).allowed()).isTrue();
    }
}
