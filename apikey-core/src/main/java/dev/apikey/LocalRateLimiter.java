package dev.apikey;

import dev.apikey.spi.Gcra;
import dev.apikey.spi.RateLimitResult;
import dev.apikey.spi.RateLimiter;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-node rate limiter: GCRA state per key in memory, updated under a per-key lock so concurrent
 * requests on one key never admit more than the limit allows. Only authenticated keys get state, so the
 * map grows with the number of keys in use, not with hostile traffic.
 */
public final class LocalRateLimiter implements RateLimiter {
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** Creates an empty limiter. */
    public LocalRateLimiter() {
    }

    @Override
    public RateLimitResult tryAcquire(String bucketId, RateLimitPolicy policy, long nowNanos) {
        Bucket b = buckets.get(bucketId);
        if (b == null) {
            b = buckets.computeIfAbsent(bucketId, id -> new Bucket(policy));
        }
        synchronized (b) {
            // Identity first: the policy is normally the very instance of the stored record.
            if (b.policy != policy && !b.policy.equals(policy)) {
                // The key's policy changed: start the new limits fresh rather than misapply old state.
                b.policy = policy;
                b.tats = new long[policy.limits().size()];
                b.intervals = Gcra.intervals(policy);
            }
            return Gcra.tryAcquire(policy, b.tats, b.intervals, nowNanos);
        }
    }

    private static final class Bucket {
        RateLimitPolicy policy;
        long[] tats;
        /** The policy's emission intervals, computed once rather than on every request. */
        long[] intervals;

        Bucket(RateLimitPolicy policy) {
            this.policy = policy;
            this.tats = new long[policy.limits().size()];
            this.intervals = Gcra.intervals(policy);
        }
    }
}
