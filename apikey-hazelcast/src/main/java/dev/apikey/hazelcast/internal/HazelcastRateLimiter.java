package dev.apikey.hazelcast.internal;

import com.hazelcast.map.IMap;
import dev.apikey.RateLimit;
import dev.apikey.RateLimitPolicy;
import dev.apikey.local.Gcra;
import dev.apikey.spi.RateLimitResult;
import dev.apikey.spi.RateLimiter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster rate limiter. Exact mode: one {@link GcraProcessor} per request on the key's partition owner.
 * Lease mode: one call takes up to K permits, and this member serves them for at most the lease duration;
 * permits are always taken from the shared state before they are served.
 */
public final class HazelcastRateLimiter implements RateLimiter {
    private final IMap<String, RateState> states;
    private final ClusterKeys keys;
    private final Ops ops;
    private final int leasePermits;
    private final long leaseNanos;
    private final ConcurrentHashMap<String, Lease> leases;

    /**
     * @param states       GCRA state per key
     * @param keys         the cluster secret's keys, to tag the processors
     * @param ops          timeout and failure handling
     * @param leasePermits largest lease (K); 0 selects exact mode
     * @param leaseNanos   lease lifetime (L)
     */
    public HazelcastRateLimiter(IMap<String, RateState> states, ClusterKeys keys, Ops ops, int leasePermits,
            long leaseNanos) {
        this.states = states;
        this.keys = keys;
        this.ops = ops;
        this.leasePermits = leasePermits;
        this.leaseNanos = leaseNanos;
        this.leases = leasePermits > 0 ? new ConcurrentHashMap<>() : null;
    }

    @Override
    public RateLimitResult tryAcquire(String bucketId, RateLimitPolicy policy, long nowNanos) {
        String text = policy.toString();
        if (leases == null) {
            long[] answer = take(bucketId, text, nowNanos, 1);
            return Gcra.tryAcquire(policy, Arrays.copyOfRange(answer, 1, answer.length), nowNanos);
        }
        Lease lease = leases.computeIfAbsent(bucketId, id -> new Lease());
        // One fetch per key and member at a time; the others wait for it and then serve from the new lease.
        synchronized (lease) {
            // A request whose clock reading is a little older than the lease still spends it; discarding a
            // live lease would strand its permits.
            if (lease.remaining > 0 && text.equals(lease.policy) && nowNanos < lease.expiresAt) {
                lease.remaining--;
                lease.served++;
                return lease.served();
            }
            long[] answer = take(bucketId, text, nowNanos, leaseSize(policy, leasePermits));
            RateLimitResult first = Gcra.tryAcquire(policy, Arrays.copyOfRange(answer, 1, answer.length), nowNanos);
            long granted = answer[0];
            lease.policy = text;
            lease.remaining = Math.max(0, granted - 1);
            lease.expiresAt = nowNanos + leaseNanos;
            lease.first = first;
            lease.served = 0;
            return first;
        }
    }

    /**
     * The lease size for a policy: at most K, and at most an eighth of the smallest burst, so one member
     * cannot hold a large share of a small limit (limits with a burst below 16 are served exactly).
     */
    public static int leaseSize(RateLimitPolicy policy, int leasePermits) {
        long minBurst = Long.MAX_VALUE;
        for (RateLimit l : policy.limits()) {
            minBurst = Math.min(minBurst, l.burst());
        }
        return (int) Math.max(1, Math.min(leasePermits, minBurst / 8));
    }

    private long[] take(String bucketId, String policy, long nowNanos, int permits) {
        return ops.direct("rate limit", () -> states.executeOnKey(bucketId,
                GcraProcessor.of(keys, bucketId, policy, nowNanos, permits)));
    }

    private static final class Lease {
        String policy;
        long remaining;
        long expiresAt;
        int served;
        RateLimitResult first;

        /** The headers' view of a locally served permit: the owner's answer, minus what was served since. */
        RateLimitResult served() {
            List<RateLimitResult.LimitState> limits = new ArrayList<>(first.limits().size());
            for (RateLimitResult.LimitState s : first.limits()) {
                limits.add(new RateLimitResult.LimitState(s.limit(), Math.max(0, s.remaining() - served), s.resetNanos(), false));
            }
            return new RateLimitResult(true, limits, 0);
        }
    }

    @Override
    public String toString() {
        return "HazelcastRateLimiter[" + states.getName() + (leases == null ? ", exact]" : ", lease]");
    }
}
