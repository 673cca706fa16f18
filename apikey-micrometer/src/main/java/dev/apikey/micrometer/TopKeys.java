package dev.apikey.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Per-key request counters for the keys with the most traffic, bounded: {@value ApiKeyMetrics#KEY_DECISIONS} with the
 * tag {@code key} (the public key id) for at most {@code n} keys, and {@code key="other"} for every other one, so at
 * most {@code n + 1} series exist whatever the traffic. Which keys are the top ones is decided again every
 * {@code period} from the traffic counted since the last time (a key is counted among the candidates while at most
 * {@code 8n} are tracked); a key that drops out loses its series, a key that comes in gets one counting from then on.
 * Never a key or a digest in a tag.
 */
final class TopKeys {
    static final String OTHER = "other";

    private final MeterRegistry registry;
    private final int n;
    private final int tracked;
    private final long periodNanos;
    private final LongSupplier nanos;
    private final Counter other;
    private final ConcurrentHashMap<String, AtomicLong> candidates = new ConcurrentHashMap<>();
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile Map<String, Counter> top = Map.of();
    private volatile long nextRefresh;

    TopKeys(MeterRegistry registry, int n, long periodNanos, LongSupplier nanos) {
        this.registry = registry;
        this.n = n;
        this.tracked = 8 * n;
        this.periodNanos = periodNanos;
        this.nanos = nanos;
        this.other = counter(OTHER);
        this.nextRefresh = nanos.getAsLong() + periodNanos;
    }

    /** Counts one decision of {@code keyId}. */
    void count(String keyId) {
        Counter c = top.get(keyId);
        if (c != null) {
            c.increment();
        } else {
            other.increment();
        }
        AtomicLong seen = candidates.get(keyId);
        if (seen == null && candidates.size() < tracked) {
            seen = candidates.computeIfAbsent(keyId, k -> new AtomicLong());
        }
        if (seen != null) {
            seen.incrementAndGet();
        }
        if (nanos.getAsLong() - nextRefresh >= 0 && refreshing.tryLock()) {
            try {
                refresh();
            } finally {
                refreshing.unlock();
            }
        }
    }

    /** The ids that have their own series now. */
    List<String> keys() {
        return new ArrayList<>(top.keySet());
    }

    private void refresh() {
        List<Map.Entry<String, AtomicLong>> ranked = new ArrayList<>(candidates.entrySet());
        ranked.sort((a, b) -> Long.compare(b.getValue().get(), a.getValue().get()));
        Map<String, Counter> next = new HashMap<>();
        for (int i = 0; i < Math.min(n, ranked.size()); i++) {
            String id = ranked.get(i).getKey();
            Counter kept = top.get(id);
            next.put(id, kept != null ? kept : counter(id));
        }
        for (Map.Entry<String, Counter> e : top.entrySet()) {
            if (!next.containsKey(e.getKey())) {
                registry.remove(e.getValue());
            }
        }
        top = Map.copyOf(next);
        candidates.clear();
        nextRefresh = nanos.getAsLong() + periodNanos;
    }

    private Counter counter(String key) {
        return Counter.builder(ApiKeyMetrics.KEY_DECISIONS).description("API-key decisions of the busiest keys")
                .tag("key", key).register(registry);
    }
}
