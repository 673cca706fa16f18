package dev.apikey.hazelcast.internal;

import com.hazelcast.map.EntryProcessor;
import dev.apikey.RateLimitPolicy;
import dev.apikey.local.Gcra;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Takes up to {@code permits} permits from a key's GCRA state on its partition owner, using core's
 * {@link Gcra} so the cluster and the local limiter agree. Returns {@code [granted, tat_0, ..., tat_n-1]}
 * where the TATs are the state before this call: the caller re-runs {@link Gcra#tryAcquire} on them to get
 * the same answer (with the state of every limit) without shipping a result object. The entry expires when
 * every TAT is in the past, i.e. when it would no longer differ from a fresh state. Tagged: a caller without
 * the cluster secret cannot start a bucket afresh under another policy.
 */
public final class GcraProcessor extends Authorised<String, RateState, long[]> {
    private static final long serialVersionUID = 1L;
    static final String TYPE = "apikey.GcraProcessor";
    private static final ConcurrentHashMap<String, RateLimitPolicy> POLICIES = new ConcurrentHashMap<>();

    private final String policy;
    private final long nowNanos;
    private final int permits;
    private transient EntryProcessor<String, RateState, long[]> backup;

    GcraProcessor(String policy, long nowNanos, int permits, long issuedAt, byte[] tag) {
        super(issuedAt, tag);
        this.policy = policy;
        this.nowNanos = nowNanos;
        this.permits = permits;
    }

    /**
     * @param keys     the caller's keys, for the tag
     * @param bucketId the map key the processor will run on
     * @param policy   the policy's text form
     * @param nowNanos the caller's time
     * @param permits  how many permits to take at most (1 in exact mode, the lease size in lease mode)
     */
    public static GcraProcessor of(ClusterKeys keys, String bucketId, String policy, long nowNanos, int permits) {
        long now = System.currentTimeMillis();
        GcraProcessor unsigned = new GcraProcessor(policy, nowNanos, permits, now, null);
        return new GcraProcessor(policy, nowNanos, permits, now, keys.tag(TYPE, bucketId, unsigned.signed()));
    }

    @Override
    String type() {
        return TYPE;
    }

    @Override
    Canonical arguments() {
        return new Canonical(TYPE).field("policy", policy).field("now", nowNanos).field("permits", permits);
    }

    String policy() {
        return policy;
    }

    long nowNanos() {
        return nowNanos;
    }

    int permits() {
        return permits;
    }

    static RateLimitPolicy parse(String text) {
        RateLimitPolicy p = POLICIES.get(text);
        if (p == null) {
            if (POLICIES.size() > 4096) {
                POLICIES.clear();
            }
            p = RateLimitPolicy.parse(text);
            POLICIES.put(text, p);
        }
        return p;
    }

    @Override
    public long[] process(Map.Entry<String, RateState> entry) {
        ClusterKeys keys = authorise(entry.getKey());
        RateLimitPolicy p = parse(policy);
        int n = p.limits().size();
        RateState current = entry.getValue();
        long[] tats = current == null ? new long[n]
                : current.policy().equals(policy) && current.tats().length == n ? current.tats().clone()
                : carriedOver(current, p);
        long[] out = new long[n + 1];
        System.arraycopy(tats, 0, out, 1, n);
        int granted = 0;
        while (granted < permits && Gcra.tryAcquire(p, tats, nowNanos).allowed()) {
            granted++;
        }
        out[0] = granted;
        if (granted > 0) {
            long maxAhead = 0;
            for (long tat : tats) {
                maxAhead = Math.max(maxAhead, tat - nowNanos);
            }
            long ttlMillis = TimeUnit.NANOSECONDS.toMillis(maxAhead) + 1000;
            RateState computed = new RateState(policy, tats);
            setWithTtl(entry, computed, ttlMillis);
            backup = BackupSetValue.of(keys, entry.getKey(), computed, ttlMillis);
        }
        return out;
    }

    /**
     * The state under {@code p} of a bucket kept under another policy: a changed policy, or keys of one lineage with
     * different policies, continue from it ({@link Gcra#carryOver}). State that cannot be read as a policy's starts
     * fresh.
     */
    private long[] carriedOver(RateState current, RateLimitPolicy p) {
        try {
            return Gcra.carryOver(parse(current.policy()), current.tats(), p);
        } catch (RuntimeException e) {
            return new long[p.limits().size()];
        }
    }

    @Override
    public EntryProcessor<String, RateState, long[]> getBackupProcessor() {
        return backup;
    }
}
