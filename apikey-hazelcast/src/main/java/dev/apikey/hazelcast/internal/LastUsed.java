package dev.apikey.hazelcast.internal;

import java.time.Instant;

/** Last-used instants: advisory, outside the versioned content; the later one always wins. */
final class LastUsed {
    private LastUsed() {
    }

    /** The later of two instants, either of which may be null; {@code a} on a tie. */
    static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b != null && b.isAfter(a) ? b : a;
    }
}
