package dev.apikey;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WallClockTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aReadingIsTheAnchorsWallTimePlusTheMonotonicTimeSinceUntilTheNextAnchor() {
        AtomicLong mono = new AtomicLong(1_000);
        AtomicLong wall = new AtomicLong(1_800_000_000L * SECOND);
        WallClock clock = new WallClock(mono::get, wall::get, SECOND);
        assertThat(clock.epochNanos(1_000)).isEqualTo(1_800_000_000L * SECOND);
        assertThat(clock.epochNanos(1_500)).isEqualTo(1_800_000_000L * SECOND + 500);
        // The wall clock steps back an hour: readings within the interval keep the anchor's offset...
        wall.addAndGet(-3600 * SECOND);
        mono.set(1_000 + SECOND - 1);
        assertThat(clock.epochNanos(1_000 + SECOND - 1)).isEqualTo(1_800_000_000L * SECOND + SECOND - 1);
        // ... and the first reading a full interval after the anchor re-anchors and shows the step.
        mono.set(1_000 + SECOND);
        assertThat(clock.epochNanos(1_000 + SECOND)).isEqualTo(1_800_000_000L * SECOND - 3600 * SECOND);
        // A reading from before the new anchor (another thread's) is measured against it, not re-anchored.
        wall.addAndGet(7 * SECOND);
        assertThat(clock.epochNanos(1_000 + SECOND - 10)).isEqualTo(1_800_000_000L * SECOND - 3600 * SECOND - 10);
    }

    @Test
    void withTheSystemClocksItAgreesWithTheWallClock() {
        WallClock clock = new WallClock(System::nanoTime, () -> System.currentTimeMillis() * 1_000_000L, SECOND);
        for (int i = 0; i < 1000; i++) {
            long before = System.currentTimeMillis() * 1_000_000L;
            long t = clock.epochNanos(System.nanoTime());
            long after = System.currentTimeMillis() * 1_000_000L;
            // currentTimeMillis has a grain of a millisecond, and the anchor's two reads are not simultaneous.
            assertThat(t).isBetween(before - 5_000_000L, after + 5_000_000L);
        }
    }

    @Test
    void theIntervalMustBePositive() {
        assertThatThrownBy(() -> new WallClock(System::nanoTime, System::currentTimeMillis, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
