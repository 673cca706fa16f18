package dev.apikey;

import java.util.function.LongSupplier;

/**
 * Wall-clock time (epoch nanoseconds) from a {@code System.nanoTime()} reading: the wall clock as read at the
 * last anchoring plus the monotonic time since. It lets the verifier read the clock once per request where it
 * read it twice: the audit needs a monotonic start time, the key checks and the rate limiter need the wall time,
 * and each read is a {@code clock_gettime} (24 ns in JMH on the benchmark machine, two to three times that in a
 * loaded server).
 *
 * <p>A reading at least {@code reanchorNanos} after the anchor re-anchors: the wall clock is read again, so that a
 * step of the system clock (an NTP correction, an operator) shows within that time, and a slewed clock drifts
 * from this one by at most its slew rate over that time (NTP slews by at most 0.5 ms per second). While the
 * machine is suspended the monotonic clock stands still, so after a resume this clock is behind until the next
 * anchoring, at most {@code reanchorNanos} of running time later: with the verifier's one second, a key can be
 * taken as valid for up to a second past its expiry then, as it can when the system clock steps. Thread-safe:
 * the anchor is one immutable object; threads racing to re-anchor each install an equally valid one.
 */
final class WallClock {
    private final LongSupplier monotonic;
    private final LongSupplier wallEpochNanos;
    private final long reanchorNanos;
    private volatile Anchor anchor;

    /** A monotonic reading, and the wall time (epoch nanoseconds) read right after it less that reading. */
    private record Anchor(long monotonic, long offset) {
    }

    /**
     * @param monotonic      the monotonic clock the readings come from ({@code System::nanoTime})
     * @param wallEpochNanos the wall clock, in epoch nanoseconds
     * @param reanchorNanos  how long an anchor serves
     */
    WallClock(LongSupplier monotonic, LongSupplier wallEpochNanos, long reanchorNanos) {
        if (reanchorNanos <= 0) {
            throw new IllegalArgumentException("the re-anchoring interval must be positive, got " + reanchorNanos);
        }
        this.monotonic = monotonic;
        this.wallEpochNanos = wallEpochNanos;
        this.reanchorNanos = reanchorNanos;
    }

    /** The wall time, in epoch nanoseconds, at the monotonic reading {@code mono}. */
    long epochNanos(long mono) {
        Anchor a = anchor;
        // A reading from before the anchor (another thread re-anchored after this one read the clock) is still
        // measured against it: the offset holds for any reading while the wall clock does not step.
        if (a == null || mono - a.monotonic >= reanchorNanos) {
            long m = monotonic.getAsLong();
            a = new Anchor(m, wallEpochNanos.getAsLong() - m);
            anchor = a;
        }
        return mono + a.offset;
    }
}
