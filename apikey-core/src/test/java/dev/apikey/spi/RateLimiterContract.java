package dev.apikey.spi;

import dev.apikey.RateLimitPolicy;
import dev.apikey.local.Gcra;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link RateLimiter} must have. A limiter module extends this class and implements
 * {@link #newLimiter()}. Time is the {@code nowNanos} argument, so the suite drives a fake clock and never sleeps;
 * bucket ids are random, so a limiter whose state outlives one test (a cluster's map) needs no cleaning.
 */
public abstract class RateLimiterContract {
    /** Nanoseconds since the epoch at which each test starts (2027-01-15). */
    protected static final long START = 1_800_000_000_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final int THREADS = 16;

    /** A new limiter. Called once or more per test. */
    protected abstract RateLimiter newLimiter();

    private static String bucket() {
        return "bucket-" + UUID.randomUUID();
    }

    @Test
    void aPolicyAdmitsExactlyWhatGcraAdmitsOverAFakeClock() {
        for (String text : List.of("5/1s burst 2", "3/1s, 10/1m")) {
            RateLimitPolicy policy = RateLimitPolicy.parse(text);
            RateLimiter limiter = newLimiter();
            String id = bucket();
            long[] model = new long[policy.limits().size()];
            long now = START;
            // Bursts, gaps shorter and longer than the emission interval, and a long pause.
            long[] steps = {0, 0, 0, 0, 50, 150, 199, 1, 0, 400, 0, 0, 0, 0, 3_000, 0, 0, 0, 0, 0, 10, 90, 200};
            for (int i = 0; i < steps.length; i++) {
                now += steps[i] * MS;
                RateLimitResult expected = Gcra.tryAcquire(policy, model, now);
                RateLimitResult got = limiter.tryAcquire(id, policy, now);
                assertThat(got.allowed()).as("%s, request %d", text, i).isEqualTo(expected.allowed());
                assertThat(got.retryAfterNanos()).as("%s, retry of request %d", text, i)
                        .isEqualTo(expected.retryAfterNanos());
                assertThat(got.limits()).as("%s, limit states of request %d", text, i)
                        .containsExactlyElementsOf(expected.limits());
            }
        }
    }

    @Test
    void aRequestThatOneLimitRefusesTakesNothingFromTheOthers() {
        RateLimitPolicy policy = RateLimitPolicy.parse("2/1s, 3/1h");
        RateLimiter limiter = newLimiter();
        String id = bucket();
        assertThat(limiter.tryAcquire(id, policy, START).allowed()).isTrue();
        assertThat(limiter.tryAcquire(id, policy, START).allowed()).isTrue();
        assertThat(limiter.tryAcquire(id, policy, START + 1_000 * MS).allowed()).isTrue();

        // The hour is spent; the second is not. Refused requests must leave the second's permits alone.
        long later = START + 2_000 * MS;
        for (int i = 0; i < 5; i++) {
            RateLimitResult r = limiter.tryAcquire(id, policy, later);
            assertThat(r.allowed()).isFalse();
            assertThat(r.limits().get(0).denied()).isFalse();
            assertThat(r.limits().get(0).remaining()).isEqualTo(2);
            assertThat(r.limits().get(1).denied()).isTrue();
        }
    }

    @Test
    void concurrentCallersNeverGetMoreThanTheLimit() throws Exception {
        for (String text : List.of("40/1h", "40/1h, 25/1m burst 25")) {
            RateLimitPolicy policy = RateLimitPolicy.parse(text);
            RateLimiter limiter = newLimiter();
            String id = bucket();
            int allowed = concurrently(THREADS, 10, () -> limiter.tryAcquire(id, policy, START).allowed());
            long expected = policy.limits().stream().mapToLong(l -> l.burst()).min().orElseThrow();
            assertThat(allowed).as(text).isEqualTo((int) expected);
        }
    }

    @Test
    void bucketsOfDifferentIdsAreIndependent() {
        RateLimitPolicy policy = RateLimitPolicy.parse("2/1h");
        RateLimiter limiter = newLimiter();
        String a = bucket();
        String b = bucket();
        assertThat(limiter.tryAcquire(a, policy, START).allowed()).isTrue();
        assertThat(limiter.tryAcquire(a, policy, START).allowed()).isTrue();
        assertThat(limiter.tryAcquire(a, policy, START).allowed()).isFalse();

        assertThat(limiter.tryAcquire(b, policy, START).allowed()).isTrue();
        assertThat(limiter.tryAcquire(b, policy, START).limits().get(0).remaining()).isZero();
        assertThat(limiter.tryAcquire(b, policy, START).allowed()).isFalse();
    }

    @Test
    void aRefusedRequestPassesOnceItsRetryAfterHasPassed() {
        RateLimitPolicy policy = RateLimitPolicy.parse("1/10s");
        RateLimiter limiter = newLimiter();
        String id = bucket();
        assertThat(limiter.tryAcquire(id, policy, START).allowed()).isTrue();
        RateLimitResult refused = limiter.tryAcquire(id, policy, START + 1);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterNanos()).isPositive();

        long retryAt = START + 1 + refused.retryAfterNanos();
        assertThat(limiter.tryAcquire(id, policy, retryAt - 1).allowed()).isFalse();
        assertThat(limiter.tryAcquire(id, policy, retryAt).allowed()).isTrue();
    }

    /**
     * Runs {@code call} {@code perThread} times on each of {@code threads} threads, all released at once, and
     * returns how many calls answered true.
     */
    static int concurrently(int threads, int perThread, Callable<Boolean> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    int n = 0;
                    for (int i = 0; i < perThread; i++) {
                        if (call.call()) {
                            n++;
                        }
                    }
                    return n;
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> f : futures) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }
}
