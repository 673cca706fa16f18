package dev.apikey.hazelcast.internal;

import java.util.Arrays;

/**
 * The GCRA state of one bucket (a key's lineage) on its partition owner: the policy it was computed for (text
 * form) and one theoretical arrival time per limit. A request under another policy continues from it
 * ({@code Gcra.carryOver}).
 *
 * @param policy the policy's text form
 * @param tats   one TAT per limit, nanoseconds on the pipeline clock
 */
public record RateState(String policy, long[] tats) {
    @Override
    public boolean equals(Object o) {
        return o instanceof RateState s && s.policy.equals(policy) && Arrays.equals(s.tats, tats);
    }

    @Override
    public int hashCode() {
        return policy.hashCode() * 31 + Arrays.hashCode(tats);
    }

    @Override
    public String toString() {
        return "RateState[" + policy + ", " + Arrays.toString(tats) + "]";
    }
}
