package dev.apikey.hazelcast.internal;

import com.hazelcast.map.EntryProcessor;

import java.util.Map;

/**
 * Adds one to a quota or credit counter on its partition owner unless it has reached the limit. Returns
 * the count after adding, or -1 if nothing was added. A counter with an end gets a TTL that ends with its
 * period (by the member's clock), so spent periods leave the map by themselves. Tagged, like every apikey
 * processor.
 */
public final class CounterProcessor extends Authorised<String, Long, Long> {
    private static final long serialVersionUID = 1L;
    static final String TYPE = "apikey.CounterProcessor";
    /** {@link #expiresAtMillis} value for a counter that never expires. */
    static final long NEVER = Long.MIN_VALUE;

    private final long limit;
    private final long expiresAtMillis;
    private transient EntryProcessor<String, Long, Long> backup;

    CounterProcessor(long limit, long expiresAtMillis, long issuedAt, byte[] tag) {
        super(issuedAt, tag);
        this.limit = limit;
        this.expiresAtMillis = expiresAtMillis;
    }

    /**
     * @param counterId       the map key the processor will run on
     * @param limit           the highest count allowed
     * @param expiresAtMillis end of the counter's period (epoch millis), or {@link #NEVER}
     */
    public static CounterProcessor of(ClusterKeys keys, String counterId, long limit, long expiresAtMillis) {
        long now = System.currentTimeMillis();
        CounterProcessor unsigned = new CounterProcessor(limit, expiresAtMillis, now, null);
        return new CounterProcessor(limit, expiresAtMillis, now, keys.tag(TYPE, counterId, unsigned.signed()));
    }

    @Override
    String type() {
        return TYPE;
    }

    @Override
    Canonical arguments() {
        return new Canonical(TYPE).field("limit", limit).field("expiresAt", expiresAtMillis);
    }

    long limit() {
        return limit;
    }

    long expiresAtMillis() {
        return expiresAtMillis;
    }

    @Override
    public Long process(Map.Entry<String, Long> entry) {
        ClusterKeys keys = authorise(entry.getKey());
        Long current = entry.getValue();
        long count = current == null ? 0 : current;
        if (count >= limit) {
            return -1L;
        }
        Long computed = count + 1;
        // At least a second, so clock skew between members cannot make a counter vanish at once.
        long ttlMillis = expiresAtMillis == NEVER ? -1 : Math.max(1000, expiresAtMillis - System.currentTimeMillis());
        setWithTtl(entry, computed, ttlMillis);
        backup = BackupSetValue.of(keys, entry.getKey(), computed, ttlMillis);
        return computed;
    }

    @Override
    public EntryProcessor<String, Long, Long> getBackupProcessor() {
        return backup;
    }
}
