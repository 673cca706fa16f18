package dev.apikey.spi;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link UsageCounters} must have. A counters module extends this class and implements
 * {@link #newCounters(Clock)}. Expiry is judged by the clock the counters are given, which the suite moves
 * forward instead of sleeping; a backend whose expiry follows its own clock (a cluster's TTL) overrides
 * {@link #start()} and {@link #passTime}. Counter ids are random, so state that outlives a test needs no cleaning.
 */
public abstract class UsageCountersContract {
    private static final Instant FIXED_START = Instant.parse("2027-01-15T10:00:00Z");
    private static final int THREADS = 16;

    /** Counters whose "now" is {@code clock}. Called once or more per test. */
    protected abstract UsageCounters newCounters(Clock clock);

    /** When each test's clock starts; a fixed instant unless the backend expires by its own clock. */
    protected Instant start() {
        return FIXED_START;
    }

    /**
     * Moves {@code clock} forward by {@code d}; a backend that expires counters by its own clock also waits until
     * that clock has passed the new time.
     */
    protected void passTime(TestClock clock, Duration d) {
        clock.advance(d);
    }

    /** How long a counter that should expire lives: short enough for a backend that must wait for it. */
    protected Duration period() {
        return Duration.ofSeconds(1);
    }

    /** A clock the suite moves by hand. */
    public static final class TestClock extends Clock {
        private final AtomicReference<Instant> now;

        TestClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        /** Moves the clock forward. */
        public void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException("the test clock is UTC");
        }
    }

    private static String counter() {
        return "counter-" + UUID.randomUUID();
    }

    @Test
    void countsUpToTheLimitThenAnswersMinusOneWithoutCounting() {
        TestClock clock = new TestClock(start());
        UsageCounters counters = newCounters(clock);
        String id = counter();
        Instant end = clock.instant().plus(Duration.ofDays(1));
        assertThat(counters.tryIncrement(id, 3, end)).isEqualTo(1);
        assertThat(counters.tryIncrement(id, 3, end)).isEqualTo(2);
        assertThat(counters.tryIncrement(id, 3, end)).isEqualTo(3);
        assertThat(counters.tryIncrement(id, 3, end)).isEqualTo(-1);
        assertThat(counters.tryIncrement(id, 3, end)).isEqualTo(-1);
        assertThat(counters.tryIncrement(id, 4, end)).as("a higher limit continues from the count").isEqualTo(4);
    }

    @Test
    void aCounterWithoutExpiryNeverRestarts() {
        TestClock clock = new TestClock(start());
        UsageCounters counters = newCounters(clock);
        String id = counter();
        assertThat(counters.tryIncrement(id, 1, null)).isEqualTo(1);
        clock.advance(Duration.ofDays(400));
        assertThat(counters.tryIncrement(id, 1, null)).isEqualTo(-1);
    }

    @Test
    void aFullCounterRestartsAfterItsExpiry() {
        TestClock clock = new TestClock(start());
        UsageCounters counters = newCounters(clock);
        String id = counter();
        Instant end = clock.instant().plus(period());
        assertThat(counters.tryIncrement(id, 2, end)).isEqualTo(1);
        assertThat(counters.tryIncrement(id, 2, end)).isEqualTo(2);
        assertThat(counters.tryIncrement(id, 2, end)).isEqualTo(-1);

        passTime(clock, period().plusMillis(1));
        Instant next = clock.instant().plus(Duration.ofDays(1));
        assertThat(counters.tryIncrement(id, 2, next)).isEqualTo(1);
        assertThat(counters.tryIncrement(id, 2, next)).isEqualTo(2);
        assertThat(counters.tryIncrement(id, 2, next)).isEqualTo(-1);
    }

    @Test
    void concurrentCallersNeverPassTheLimit() throws Exception {
        TestClock clock = new TestClock(start());
        UsageCounters counters = newCounters(clock);
        String id = counter();
        Instant end = clock.instant().plus(Duration.ofDays(1));
        int counted = RateLimiterContract.concurrently(THREADS, 10, () -> counters.tryIncrement(id, 50, end) > 0);
        assertThat(counted).isEqualTo(50);
        assertThat(counters.tryIncrement(id, 50, end)).isEqualTo(-1);
    }

    @Test
    void countersOfDifferentIdsAreIndependent() {
        TestClock clock = new TestClock(start());
        UsageCounters counters = newCounters(clock);
        String a = counter();
        String b = counter();
        Instant end = clock.instant().plus(Duration.ofDays(1));
        assertThat(counters.tryIncrement(a, 1, end)).isEqualTo(1);
        assertThat(counters.tryIncrement(a, 1, end)).isEqualTo(-1);
        assertThat(counters.tryIncrement(b, 1, end)).isEqualTo(1);
    }
}
