package dev.apikey.hazelcast.internal;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Adds one to a quota or credit counter on its partition owner unless it has reached the limit. Returns
 * the count after adding, or -1 if nothing was added. A counter with an end gets a TTL that ends with its
 * period (by the member's clock), so spent periods leave the map by themselves.
 */
public final class CounterProcessor implements EntryProcessor<String, Long, Long> {
    private static final long serialVersionUID = 1L;
    /** {@link #expiresAtMillis} value for a counter that never expires. */
    static final long NEVER = Long.MIN_VALUE;

    private final long limit;
    private final long expiresAtMillis;
    private transient Long computed;
    private transient long ttlMillis;

    /**
     * @param limit           the highest count allowed
     * @param expiresAtMillis end of the counter's period (epoch millis), or {@link #NEVER}
     */
    public CounterProcessor(long limit, long expiresAtMillis) {
        this.limit = limit;
        this.expiresAtMillis = expiresAtMillis;
    }

    long limit() {
        return limit;
    }

    long expiresAtMillis() {
        return expiresAtMillis;
    }

    @Override
    public Long process(Map.Entry<String, Long> entry) {
        Long current = entry.getValue();
        long count = current == null ? 0 : current;
        if (count >= limit) {
            return -1L;
        }
        computed = count + 1;
        if (expiresAtMillis != NEVER && entry instanceof ExtendedMapEntry<String, Long> extended) {
            // At least a second, so clock skew between members cannot make a counter vanish at once.
            ttlMillis = Math.max(1000, expiresAtMillis - System.currentTimeMillis());
            extended.setValue(computed, ttlMillis, TimeUnit.MILLISECONDS);
        } else {
            entry.setValue(computed);
        }
        return computed;
    }

    @Override
    public EntryProcessor<String, Long, Long> getBackupProcessor() {
        return computed == null ? null : BackupSetValue.<String, Long, Long>of(computed, ttlMillis);
    }
}
