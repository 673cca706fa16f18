package dev.apikey.local;

import dev.apikey.spi.UsageCounters;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Single-node quota and credit counters in memory. Counters past their expiry are dropped as they are
 * met, and swept when the map grows.
 */
public final class LocalUsageCounters implements UsageCounters {
    private static final int SWEEP_AT = 100_000;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final Clock clock;

    /** Counters that use {@code clock} to decide expiry. */
    public LocalUsageCounters(Clock clock) {
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
    }

    @Override
    public long tryIncrement(String counterId, long limit, Instant expiresAt) {
        Instant now = clock.instant();
        if (counters.size() > SWEEP_AT) {
            counters.values().removeIf(c -> c.expired(now));
        }
        long[] out = new long[1];
        counters.compute(counterId, (id, c) -> {
            Counter cur = c == null || c.expired(now) ? new Counter(0, expiresAt) : c;
            if (cur.count >= limit) {
                out[0] = -1;
                return cur;
            }
            out[0] = cur.count + 1;
            return new Counter(cur.count + 1, expiresAt);
        });
        return out[0];
    }

    private record Counter(long count, Instant expiresAt) {
        boolean expired(Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }
    }
}
