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
    void failuresWithinTheAllowanceAreAnsweredAsUsualAndPastItGetAWait() {
        assertThat(throttle.recordFailure("192.0.2.1", t0)).isZero();
        assertThat(throttle.recordFailure("192.0.2.1", t0)).isZero();
        // Third failure at once: the allowance of two is spent; the wait is until one failure has drained.
        assertThat(throttle.recordFailure("192.0.2.1", t0)).isEqualTo(30 * SECOND);
        // Half way, still throttled; failing again keeps it so for one interval after that failure.
        assertThat(throttle.recordFailure("192.0.2.1", t0 + 29 * SECOND)).isEqualTo(30 * SECOND);
        assertThat(throttle.blockedFor("192.0.2.1", t0 + 58 * SECOND)).isPositive();
        assertThat(throttle.recordFailure("192.0.2.1", t0 + 60 * SECOND)).isZero();
        // Other clients are not affected.
        assertThat(throttle.recordFailure("192.0.2.2", t0)).isZero();
    }

    @Test
    void ipv6AddressesAreCountedPer64AndIpv4MappedOnesAsTheirIpv4Address() {
        throttle.recordFailure("2001:db8:1:2::1", t0);
        throttle.recordFailure("2001:db8:1:2:ffff:ffff:ffff:ffff", t0);
        assertThat(throttle.recordFailure("2001:DB8:1:2:0:0:0:2", t0)).as("same /64, other spelling").isPositive();
        assertThat(throttle.recordFailure("2001:db8:1:3::1", t0)).as("next /64").isZero();
        assertThat(throttle.recordFailure("2001:db8:1::1", t0)).as("2001:db8:1:0::/64").isZero();

        throttle.recordFailure("192.0.2.7", t0);
        throttle.recordFailure("::ffff:192.0.2.7", t0);
        assertThat(throttle.recordFailure("192.0.2.7", t0)).as("IPv4-mapped counts as IPv4").isPositive();
        assertThat(throttle.recordFailure("192.0.2.8", t0)).isZero();
    }

    @Test
    void bucketsAreTheAddressOrThe64() {
        assertThat(FailureThrottle.bucketOf("192.0.2.1")).isEqualTo("192.0.2.1");
        assertThat(FailureThrottle.bucketOf("192.000.2.01")).isEqualTo("192.0.2.1");
        assertThat(FailureThrottle.bucketOf("::ffff:10.1.2.3")).isEqualTo("10.1.2.3");
        assertThat(FailureThrottle.bucketOf("2001:db8:a:b:c:d:e:f")).isEqualTo("2001:db8:a:b::/64");
        assertThat(FailureThrottle.bucketOf("::1")).isEqualTo("0:0:0:0::/64");
        assertThat(FailureThrottle.bucketOf("not-an-address")).isEqualTo("not-an-address");
    }

    @Test
    void exemptNetworksAreNeverThrottled() {
        FailureThrottle t = new FailureThrottle(new ClientThrottle(true, RateLimit.parse("2/1m"), 100,
                List.of(dev.apikey.Cidr.parse("10.0.0.0/8"), dev.apikey.Cidr.parse("2001:db8::/32"))));
        for (int i = 0; i < 5; i++) {
            assertThat(t.recordFailure("10.1.2.3", t0)).isZero();
            assertThat(t.recordFailure("2001:db8::1", t0)).isZero();
        }
        assertThat(t.tracked()).isZero();
    }

    @Test
    void aDrainedAddressIsForgottenByTheNextSweepAndCountsAfreshAfterwards() {
        throttle.recordFailure("192.0.2.1", t0);
        throttle.recordFailure("192.0.2.1", t0);
        assertThat(throttle.recordFailure("192.0.2.1", t0)).isPositive();
        assertThat(throttle.tracked()).isEqualTo(1);
        // Still tracked (not drained) 40 s on: a failure elsewhere sweeps, and keeps it.
        throttle.recordFailure("192.0.2.2", t0 + 40 * SECOND);
        assertThat(throttle.tracked()).isEqualTo(2);
        // Drained at t0 + 60 s (and 192.0.2.2 at t0 + 70 s): the next sweep forgets both.
        throttle.recordFailure("192.0.2.3", t0 + 71 * SECOND);
        assertThat(throttle.tracked()).isEqualTo(1);
        // Forgetting lost nothing: two new failures are answered as usual, a third is throttled, as from the start.
        assertThat(throttle.recordFailure("192.0.2.1", t0 + 71 * SECOND)).isZero();
        assertThat(throttle.recordFailure("192.0.2.1", t0 + 71 * SECOND)).isZero();
        assertThat(throttle.recordFailure("192.0.2.1", t0 + 71 * SECOND)).isPositive();
    }

    @Test
    void drainedAddressesAreSweptOutAtMostEveryTenSeconds() {
        throttle.recordFailure("192.0.2.1", t0);               // sweeps (nothing); next sweep at t0 + 10 s; drains at t0 + 30 s
        throttle.recordFailure("192.0.2.2", t0 + 5 * SECOND);  // not due; drains at t0 + 35 s
        throttle.recordFailure("192.0.2.3", t0 + 31 * SECOND); // sweeps 192.0.2.1 out; next sweep at t0 + 41 s
        assertThat(throttle.tracked()).isEqualTo(2);
        throttle.recordFailure("192.0.2.4", t0 + 36 * SECOND); // 192.0.2.2 has drained, but no sweep is due
        assertThat(throttle.tracked()).isEqualTo(3);
        throttle.recordFailure("192.0.2.5", t0 + 41 * SECOND); // sweeps 192.0.2.2 out; the others have not drained
        assertThat(throttle.tracked()).isEqualTo(3);
        assertThat(throttle.blockedFor("192.0.2.2", t0 + 41 * SECOND)).isZero();
    }

    @Test
    void aFullMapDropsDrainedAddressesFirstThenArbitraryOnesAndStaysBounded() {
        FailureThrottle small = new FailureThrottle(new ClientThrottle(true, RateLimit.parse("2/1m"), 2, List.of()));
        small.recordFailure("192.0.2.1", t0);                 // drained at t0 + 30 s
        small.recordFailure("192.0.2.2", t0 + 5 * SECOND);
        small.recordFailure("192.0.2.2", t0 + 5 * SECOND);    // throttled until t0 + 35 s
        // Full: the drained one goes to make room, the throttled one stays throttled.
        small.recordFailure("192.0.2.3", t0 + 31 * SECOND);
        assertThat(small.tracked()).isEqualTo(2);
        assertThat(small.blockedFor("192.0.2.2", t0 + 31 * SECOND)).isPositive();
        // Full of undrained ones: an arbitrary one goes; the map never holds more than two.
        small.recordFailure("192.0.2.4", t0 + 32 * SECOND);
        assertThat(small.recordFailure("192.0.2.4", t0 + 32 * SECOND)).isZero();
        assertThat(small.recordFailure("192.0.2.4", t0 + 32 * SECOND)).isPositive();
        assertThat(small.tracked()).isEqualTo(2);
    }

    @Test
    void failuresCountedWhileOthersForgetTheSameAddressAreNotLost() throws InterruptedException {
        // One thread keeps failing from an address while others fail from other addresses (each failure sweeps
        // when due) at times when every earlier failure has drained. Each failure is recorded at a time T; none
        // may vanish: right after the writer's two failures at T, the address must be throttled at T.
        int rounds = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> readers = new ArrayList<>();
        readersNow = t0;
        for (int i = 0; i < 2; i++) {
            Thread r = new Thread(() -> {
                await(start);
                int n = 0;
                while (!done) {
                    long now = readersNow;
                    throttle.blockedFor("192.0.2.9", now);
                    // Other addresses, so that their failures sweep; few enough that the map never fills.
                    throttle.recordFailure("198.51.100." + (n++ % 50), now);
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
