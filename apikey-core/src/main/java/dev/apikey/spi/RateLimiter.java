package dev.apikey.spi;

import dev.apikey.RateLimitPolicy;

/**
 * Counts requests against a key's limits. The local implementation keeps state in memory; the Hazelcast
 * module keeps it on the partition owner. All limits of a policy are checked together: a permit is taken
 * from every limit, or from none. Every limiter passes the contract suite in core's test-jar
 * ({@code RateLimiterContract}).
 */
public interface RateLimiter {
    /**
     * Takes one permit from every limit of {@code policy} for {@code bucketId} if all of them have one.
     *
     * @param bucketId  whose usage: the key's lineage, shared by a key and its rotation successors (state is per
     *                  bucket and limit; a request under another policy than the bucket's continues from its state,
     *                  see {@link Gcra#carryOver})
     * @param policy    the limits
     * @param nowNanos  the current time, nanoseconds since the epoch, from the pipeline's clock
     * @return the result; never null
     * @throws RuntimeException if the limiter cannot answer (the pipeline then fails closed or open, as configured)
     */
    RateLimitResult tryAcquire(String bucketId, RateLimitPolicy policy, long nowNanos);
}
