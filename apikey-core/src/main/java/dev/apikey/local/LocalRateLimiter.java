package dev.apikey.local;

import dev.apikey.RateLimit;
import dev.apikey.RateLimitPolicy;
import dev.apikey.local.Gcra;
import dev.apikey.spi.RateLimitResult;
import dev.apikey.spi.RateLimiter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-node rate limiter: GCRA state per bucket (a key's lineage) in memory. A policy of one limit (the common case) keeps its
 * state in one word, updated by compare-and-set: concurrent requests on one key never admit more than the limit
 * allows, and none of them waits for a lock (a preempted request thread cannot hold up the others on its key).
 * A policy of several limits updates all of them under a per-key lock, since they must pass or fail together.
 * Only authenticated keys get state, so the map grows with the number of keys in use, not with hostile traffic.
 */
public final class LocalRateLimiter implements RateLimiter {
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** Creates an empty limiter. */
    public LocalRateLimiter() {
    }

    @Override
    public RateLimitResult tryAcquire(String bucketId, RateLimitPolicy policy, long nowNanos) {
        Bucket b = bucket(bucketId, policy);
        return b.single != null ? b.tryAcquireOne(nowNanos) : b.tryAcquireAll(nowNanos);
    }

    /** The result of a one-limit bucket's {@code acquireOne} answer at {@code nowNanos}. */
    private static RateLimitResult resultOf(RateLimit limit, long interval, long answer, long nowNanos) {
        return answer > 0
                ? Gcra.resultOne(limit, interval, nowNanos + answer, nowNanos, true)
                : Gcra.resultOne(limit, interval, nowNanos + ~answer, nowNanos, false);
    }

    private Bucket bucket(String bucketId, RateLimitPolicy policy) {
        Bucket b = buckets.get(bucketId);
        // Identity first: the policy is normally the very instance of the stored record.
        if (b == null || b.policy != policy && !b.policy.equals(policy)) {
            // A new key, or another policy on this bucket (the key's changed, or a key of the same lineage has
            // another): the new limits continue from the old ones' state (Gcra.carryOver).
            b = buckets.compute(bucketId, (id, cur) -> cur == null ? new Bucket(policy, null)
                    : cur.policy.equals(policy) ? cur : new Bucket(policy, Gcra.carryOver(cur.policy, cur.tats(), policy)));
        }
        return b;
    }

    private static final class Bucket {
        private static final VarHandle TAT;

        static {
            try {
                TAT = MethodHandles.lookup().findVarHandle(Bucket.class, "tat", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final RateLimitPolicy policy;
        /** The only limit of a one-limit policy, else null. */
        final RateLimit single;
        /** A one-limit policy's emission interval and tolerance, computed once rather than on every request. */
        final long interval;
        final long tolerance;
        /** A one-limit policy's TAT; read and set through {@link #TAT}. */
        @SuppressWarnings("unused")
        private volatile long tat;
        /** A policy of several limits: one TAT per limit, guarded by this bucket's lock. */
        private final long[] tats;

        /** A bucket for {@code policy}, fresh if {@code initial} is null, else starting from those TATs. */
        Bucket(RateLimitPolicy policy, long[] initial) {
            this.policy = policy;
            this.single = policy.limits().size() == 1 ? policy.limits().get(0) : null;
            this.interval = single != null ? Gcra.interval(single) : 0;
            this.tolerance = single != null ? Gcra.tolerance(single, interval) : 0;
            this.tats = single != null ? null : initial != null ? initial.clone() : new long[policy.limits().size()];
            if (single != null && initial != null) {
                this.tat = initial[0];
            }
        }

        /** A copy of the TATs, one per limit. */
        long[] tats() {
            if (single != null) {
                return new long[] {(long) TAT.getVolatile(this)};
            }
            synchronized (this) {
                return tats.clone();
            }
        }

        RateLimitResult tryAcquireOne(long now) {
            return resultOf(single, interval, acquireOne(now), now);
        }

        /**
         * The limit's TAT after the request, less {@code now}: if the request was admitted, that is
         * {@code max(old TAT, now) + interval - now}, at least 1; if not, the bitwise complement ({@code ~}) of
         * {@code max(old TAT, now) - now}, which is negative.
         */
        long acquireOne(long now) {
            long t = interval;
            while (true) {
                long old = (long) TAT.getVolatile(this);
                long tat = Math.max(old, now);
                if (tat - now > tolerance) {
                    return ~(tat - now);
                }
                if (TAT.compareAndSet(this, old, tat + t)) {
                    return tat + t - now;
                }
            }
        }

        synchronized RateLimitResult tryAcquireAll(long now) {
            return Gcra.tryAcquire(policy, tats, now);
        }
    }
}
