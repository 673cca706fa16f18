package dev.apikey.local;

import dev.apikey.RateLimitPolicy;
import dev.apikey.local.Gcra;
import dev.apikey.spi.RateLimitResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class LocalRateLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    /** The time to the next request of a random walk: half of them at the same instant, a few after long pauses. */
    private static long step(SplittableRandom random) {
        int kind = random.nextInt(10);
        return kind < 5 ? 0 : kind < 9 ? random.nextLong(SECOND / 10) : random.nextLong(120 * SECOND);
    }

    /**
     * The one-limit path decides on its TAT by compare-and-set; Gcra.tryAcquire on a plain array is the reference.
     * Over a random walk of request times (bursts at one instant, small steps, long pauses) both give the same
     * answers, field by field.
     */
    @Test
    void theCompareAndSetPathAnswersLikeTheReferenceAlgorithm() {
        for (String text : List.of("10/1s", "5/1m burst 2", "1/1h", "1000/1s burst 1")) {
            RateLimitPolicy policy = RateLimitPolicy.parse(text);
            LocalRateLimiter limiter = new LocalRateLimiter();
            long[] tats = new long[1];
            SplittableRandom random = new SplittableRandom(text.hashCode());
            long now = 1_700_000_000L * SECOND;
            int admitted = 0;
            for (int i = 0; i < 5_000; i++) {
                now += step(random);
                RateLimitResult expected = Gcra.tryAcquire(policy, tats, now);
                RateLimitResult actual = limiter.tryAcquire("k", policy, now);
                assertThat(actual).as("%s, request %d", text, i).isEqualTo(expected);
                admitted += actual.allowed() ? 1 : 0;
            }
            assertThat(admitted).as("both outcomes occur for %s", text).isBetween(1, 4_999);
        }
    }

    /**
     * The verifier's form of the one-limit path answers with a number instead of a result; turned into a result
     * it is the reference's, also on a clock before 1970 (negative nanoseconds: a fresh limit, whose TAT is 0,
     * refuses until the epoch). A policy of several limits is refused rather than half-answered.
     */
    @Test
    void theAnswerIsTheReferenceResultFromAnyEpoch() {
        for (long start : new long[] {1_700_000_000L * SECOND, -3_600L * SECOND}) {
            for (String text : List.of("10/1s", "5/1m burst 2", "1000/1s burst 1")) {
                RateLimitPolicy policy = RateLimitPolicy.parse(text);
                LocalRateLimiter limiter = new LocalRateLimiter();
                long[] tats = new long[1];
                SplittableRandom random = new SplittableRandom(text.hashCode());
                long now = start;
                int admitted = 0;
                for (int i = 0; i < 2_000; i++) {
                    now += step(random);
                    RateLimitResult expected = Gcra.tryAcquire(policy, tats, now);
                    RateLimitResult answer = limiter.tryAcquire("k", policy, now);
                    assertThat(answer).as("%s at %d, request %d", text, start, i).isEqualTo(expected);
                    admitted += answer.allowed() ? 1 : 0;
                }
                assertThat(admitted).as("both outcomes occur for %s", text).isBetween(1, 1_999);
            }
        }
    }

    @Test
    void keysHaveTheirOwnState() {
        LocalRateLimiter limiter = new LocalRateLimiter();
        RateLimitPolicy policy = RateLimitPolicy.parse("1/1m");
        long now = 1_000 * SECOND;
        assertThat(limiter.tryAcquire("a", policy, now).allowed()).isTrue();
        assertThat(limiter.tryAcquire("a", policy, now).allowed()).isFalse();
        assertThat(limiter.tryAcquire("b", policy, now).allowed()).isTrue();
    }

    @Test
    void aChangedPolicyContinuesFromTheOldStateAndAnEqualOneKeepsIt() {
        LocalRateLimiter limiter = new LocalRateLimiter();
        long now = 1_000 * SECOND;
        RateLimitPolicy two = RateLimitPolicy.parse("2/1h");
        assertThat(limiter.tryAcquire("k", two, now).allowed()).isTrue();
        assertThat(limiter.tryAcquire("k", two, now).allowed()).isTrue();
        // An equal policy in another instance (a store that hands out copies) is the same policy.
        assertThat(limiter.tryAcquire("k", RateLimitPolicy.parse("2/1h"), now).allowed()).isFalse();
        // The bucket runs an hour ahead; the new hourly limit of 3 tolerates 40 minutes, so it is spent too.
        RateLimitPolicy three = RateLimitPolicy.parse("3/1h, 100/1d");
        assertThat(limiter.tryAcquire("k", three, now).allowed()).isFalse();
        long later = now + 20 * 60 * SECOND;
        assertThat(limiter.tryAcquire("k", three, later).allowed()).isTrue();
        assertThat(limiter.tryAcquire("k", three, later).allowed()).isFalse();
        // And back to one limit: still spent, not fresh.
        assertThat(limiter.tryAcquire("k", two, later).allowed()).isFalse();
    }

    @Test
    void twoPoliciesTakingTurnsOnOneBucketGetNoMoreThanTheMoreGenerousAllows() {
        LocalRateLimiter limiter = new LocalRateLimiter();
        long now = 1_000 * SECOND;
        RateLimitPolicy ten = RateLimitPolicy.parse("10/1h");
        RateLimitPolicy twenty = RateLimitPolicy.parse("20/1h");
        int admitted = 0;
        for (int i = 0; i < 100; i++) {
            admitted += limiter.tryAcquire("lineage", i % 2 == 0 ? ten : twenty, now).allowed() ? 1 : 0;
        }
        assertThat(admitted).isBetween(10, 20);
    }

    @Test
    void concurrentRequestsOnOneKeyAdmitExactlyTheLimitForOneLimitAndForSeveral() throws Exception {
        for (String text : List.of("1000/1h", "1000/1h, 5000/1d")) {
            RateLimitPolicy policy = RateLimitPolicy.parse(text);
            LocalRateLimiter limiter = new LocalRateLimiter();
            long now = 1_000 * SECOND;
            int threads = 8;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Callable<Integer>> tasks = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    tasks.add(() -> {
                        start.await();
                        int ok = 0;
                        for (int i = 0; i < 500; i++) {
                            ok += limiter.tryAcquire("k", policy, now).allowed() ? 1 : 0;
                        }
                        return ok;
                    });
                }
                List<Future<Integer>> results = new ArrayList<>();
                for (Callable<Integer> task : tasks) {
                    results.add(pool.submit(task));
                }
                start.countDown();
                int admitted = 0;
                for (Future<Integer> f : results) {
                    admitted += f.get();
                }
                assertThat(admitted).as(text).isEqualTo(1000);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
