package dev.apikey.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import dev.apikey.hazelcast.internal.RateState;

/**
 * Merge policy for the apikey maps when a split brain heals. Hazelcast's default keeps whatever the larger
 * side holds, which could bring a key revoked on the smaller side back to life. This policy decides:
 * <ul>
 *   <li>key records: a REVOKED record wins over an ACTIVE or SUSPENDED one, whatever the versions; otherwise
 *       the higher version wins (the existing entry on a tie);</li>
 *   <li>rate-limit state and counters: the side that has consumed more wins (fail towards limiting);</li>
 *   <li>anything else (the id map, whose values never change): the existing entry, else the merging one.</li>
 * </ul>
 * It carries no state; it is {@code DataSerializable} only because Hazelcast requires that of merge policies.
 */
public final class RevokedWinsMergePolicy implements SplitBrainMergePolicy<Object, MergingValue<Object>, Object> {

    /** Hazelcast instantiates merge policies by class name. */
    public RevokedWinsMergePolicy() {
    }

    @Override
    public Object merge(MergingValue<Object> merging, MergingValue<Object> existing) {
        if (existing == null) {
            return merging.getRawValue();
        }
        if (merging == null) {
            return existing.getRawValue();
        }
        return mergingWins(merging.getDeserializedValue(), existing.getDeserializedValue())
                ? merging.getRawValue() : existing.getRawValue();
    }

    /** True if {@code merging} should replace {@code existing}. */
    static boolean mergingWins(Object merging, Object existing) {
        if (existing == null) {
            return merging != null;
        }
        if (merging instanceof KeyRecord m && existing instanceof KeyRecord e) {
            boolean mRevoked = m.status() == KeyStatus.REVOKED;
            boolean eRevoked = e.status() == KeyStatus.REVOKED;
            if (mRevoked != eRevoked) {
                return mRevoked;
            }
            return m.version() > e.version();
        }
        if (merging instanceof RateState m && existing instanceof RateState e) {
            return max(m.tats()) > max(e.tats());
        }
        if (merging instanceof Long m && existing instanceof Long e) {
            return m > e;
        }
        return false;
    }

    private static long max(long[] values) {
        long max = Long.MIN_VALUE;
        for (long v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    @Override
    public void writeData(ObjectDataOutput out) {
    }

    @Override
    public void readData(ObjectDataInput in) {
    }

    @Override
    public String toString() {
        return "RevokedWinsMergePolicy";
    }
}
