package dev.apikey.spi;

import java.time.Instant;

/**
 * Counters for quotas (per calendar day or month) and credits (total uses). The local implementation keeps
 * them in memory; the Hazelcast module keeps them in a map updated by entry processors, the JDBC module in a table.
 * Every implementation passes the contract suite in core's test-jar ({@code UsageCountersContract}).
 */
public interface UsageCounters {
    /**
     * Adds one to {@code counterId} unless it has already reached {@code limit}.
     *
     * @param counterId  which counter (the pipeline derives it from the key's lineage and period)
     * @param limit      the highest count allowed
     * @param expiresAt  when the counter may be forgotten (the end of its period), or {@code null} for never; each
     *                   increment sets it
     * @return the count after adding, or {@code -1} if the limit was already reached (nothing was added)
     * @throws RuntimeException if the counters cannot answer
     */
    long tryIncrement(String counterId, long limit, Instant expiresAt);
}
