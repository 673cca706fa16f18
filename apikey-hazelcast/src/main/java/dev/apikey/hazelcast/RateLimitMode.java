package dev.apikey.hazelcast;

/** How the cluster rate limiter counts requests. */
public enum RateLimitMode {
    /**
     * Every request runs one entry processor on the partition owner of its key: the cluster admits exactly
     * what a single-node limiter would admit, at the cost of one round trip per request.
     */
    EXACT,
    /**
     * A member takes a small allowance (a lease of up to {@link HazelcastOptions#leasePermits()} permits)
     * from the owner in one round trip and serves the following requests locally until the lease is spent or
     * {@link HazelcastOptions#leaseDuration()} has passed. Permits are taken from the shared state before they
     * are served, so a lease never creates permits; it only moves them in time, which bounds the over-admission
     * in any window to {@code min(ceil(L/T), M*(K-1))} (see the module README).
     */
    LEASE
}
