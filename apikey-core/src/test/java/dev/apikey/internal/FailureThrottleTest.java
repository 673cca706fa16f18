package dev.apikey.internal;

import dev.apikey.ClientThrottle;
import dev.apikey.RateLimit;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class FailureThrottleTest {
    private static final long SECOND = 1_000_000_000L;
    /** 2 failures a minute, burst 2: one failure drains in 30 s, two block for 30 s. */
    private final FailureThrottle throttle = new FailureThrottle(new ClientThrottle(true, RateLimit.parse("2/1m"), 100, List.of()));
    private final long t0 = 1_700_000_000L * SECOND;
    /** The time the readers of the race test ask at, and when they stop. */
    private volatile long readersNow;
    private volatile boolean done;

    @Test
    void aDrainedAddressIsForgottenAndCountsAfreshAfterwards() {
        throttle.recordFailure("192.0.2.1", t0);
        throttle.recordFailure("192.0.2.1", t0);
        throttle.recordFailure("192.0.2.1", t0);
        assertThat(throttle.blockedFor("192.0.2.1", t0)).isPositive();
        assertThat(throttle.tracksAnyone(t0)).isTrue();
        // Still tracked (not drained) half way: a sweep does not drop it.
        assertThat(throttle.tracksAnyone(t0 + 40 * SECOND)).isTrue();
        assertThat(throttle.blockedFor("192.0.2.1", t0 + 40 * SECOND)).isZero();
        // Drained: asking about it forgets it.
        assertThat(throttle.blockedFor("192.0.2.1", t0 + 61 * SECOND)).isZero();
        assertThat(throttle.tracksAnyone(t0 + 61 * SECOND)).isFalse();
        // Forgetting lost nothing: two new failures block again, exactly as from a fresh start.
        throttle.recordFailure("192.0.2.1", t0 + 61 * SECOND);
        assertThat(throttle.blockedFor("192.0.2.1", t0 + 61 * SECOND)).isZero();
        throttle.recordFailure("192.0.2.1", t0 + 61 * SECOND);
        assertThat(throttle.blockedFor("192.0.2.1", t0 + 61 * SECOND)).isPositive();
    }

    @Test
    void theSweepDropsDrainedAddressesThatNeverComeBackButNotBusyOnes() {
        throttle.recordFailure("192.0.2.1", t0); // one failure: drained at t0 + 30 s
        assertThat(throttle.tracksAnyone(t0)).isTrue(); // swept (nothing drained); the next sweep is due at t0 + 10 s
        throttle.recordFailure("192.0.2.2", t0 + 35 * SECOND);
        throttle.recordFailure("192.0.2.2", t0 + 35 * SECOND); // blocked until t0 + 65 s, drained at t0 + 95 s
        assertThat(throttle.tracksAnyone(t0 + 35 * SECOND)).isTrue(); // sweeps 192.0.2.1 out, never asked about again
        assertThat(throttle.blockedFor("192.0.2.2", t0 + 40 * SECOND)).isPositive();
        assertThat(throttle.tracksAnyone(t0 + 96 * SECOND)).isFalse();
        // A sweep forgets only what has drained: the first address starts afresh (one failure does not block).
        throttle.recordFailure("192.0.2.1", t0 + 96 * SECOND);
        assertThat(throttle.blockedFor("192.0.2.1", t0 + 96 * SECOND)).isZero();
        assertThat(throttle.tracksAnyone(t0 + 96 * SECOND)).isTrue();
    }

    @Test
    void aFullMapDropsDrainedAddressesFirstThenArbitraryOnesAndStaysBounded() {
        FailureThrottle small = new FailureThrottle(new ClientThrottle(true, RateLimit.parse("2/1m"), 2, List.of()));
        small.recordFailure("192.0.2.1", t0);                 // drained at t0 + 30 s
        small.recordFailure("192.0.2.2", t0 + 20 * SECOND);
        small.recordFailure("192.0.2.2", t0 + 20 * SECOND);   // blocked until t0 + 50 s
        // Full: the drained one goes to make room, the blocked one stays blocked.
        small.recordFailure("192.0.2.3", t0 + 31 * SECOND);
        assertThat(small.tracked()).isEqualTo(2);
        assertThat(small.blockedFor("192.0.2.2", t0 + 31 * SECOND)).isPositive();
        // Full of undrained ones: an arbitrary one goes; the map never holds more than two.
        small.recordFailure("192.0.2.4", t0 + 32 * SECOND);
        small.recordFailure("192.0.2.4", t0 + 32 * SECOND);
        assertThat(small.blockedFor("192.0.2.4", t0 + 32 * SECOND)).isPositive();
        assertThat(small.tracked()).isEqualTo(2);
    }

    @Test
    void failuresCountedWhileOthersForgetTheSameAddressAreNotLost() throws InterruptedException {
        // One thread keeps failing from an address while others ask about it and sweep at times when every
        // earlier failure has drained. Each failure is recorded at a time T; none may vanish: right after the
        // writer's last failure at T, the address must be tracked at T.
        int rounds = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> readers = new ArrayList<>();
        readersNow = t0;
        for (int i = 0; i < 2; i++) {
            Thread r = new Thread(() -> {
                await(start);
                while (!done) {
                    long now = readersNow;
                    throttle.blockedFor("192.0.2.9", now);
                    throttle.tracksAnyone(now);
                }
            });
            r.start();
            readers.add(r);
        }
        start.countDown();
        int lost = 0;
        for (int i = 1; i <= rounds; i++) {
            // Every round is a minute later: the previous failure has drained, so readers may forget it.
            long now = t0 + i * 60 * SECOND;
            readersNow = now;
            throttle.recordFailure("192.0.2.9", now);
            throttle.recordFailure("192.0.2.9", now);
            if (throttle.blockedFor("192.0.2.9", now) == 0) {
                lost++;
            }
        }
        done = true;
        for (Thread r : readers) {
            r.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertThat(lost).as("rounds whose two failures did not block").isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
