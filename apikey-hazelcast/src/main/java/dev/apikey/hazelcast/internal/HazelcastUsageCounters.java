package dev.apikey.hazelcast.internal;

import com.hazelcast.map.IMap;
import dev.apikey.spi.UsageCounters;

import java.time.Instant;

/** Quota and credit counters in an IMap, each increment one {@link CounterProcessor} on the owner. */
public final class HazelcastUsageCounters implements UsageCounters {
    private final IMap<String, Long> counters;
    private final ClusterKeys keys;
    private final Ops ops;

    /** Counters in {@code counters}, incremented by processors tagged with {@code keys}. */
    public HazelcastUsageCounters(IMap<String, Long> counters, ClusterKeys keys, Ops ops) {
        this.counters = counters;
        this.keys = keys;
        this.ops = ops;
    }

    @Override
    public long tryIncrement(String counterId, long limit, Instant expiresAt) {
        long end = expiresAt == null ? CounterProcessor.NEVER : expiresAt.toEpochMilli();
        Long result = ops.direct("tryIncrement", () -> counters.executeOnKey(counterId,
                CounterProcessor.of(keys, counterId, limit, end)));
        return result == null ? -1 : result;
    }

    @Override
    public String toString() {
        return "HazelcastUsageCounters[" + counters.getName() + "]";
    }
}
