package dev.apikey.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingEntry;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import dev.apikey.KeyRecord;
import dev.apikey.hazelcast.internal.ClusterKeys;
import dev.apikey.hazelcast.internal.RateState;
import dev.apikey.hazelcast.internal.RecordMerge;
import dev.apikey.hazelcast.internal.SealedRecord;

import java.util.Objects;

/**
 * Merge policy for the apikey maps when a split brain heals. Hazelcast's default keeps whatever the larger
 * side holds, which could bring a key revoked, suspended or shortened on the smaller side back to life; a
 * version comparison is no better, since either side may have changed the key more often. This policy decides:
 * <ul>
 *   <li>key records: a record whose MAC fails counts as absent; two valid versions of the same key merge
 *       restrictively ({@link RecordMerge}: revoked over suspended over active, the earlier expiry, the
 *       narrower scopes and networks, every limit of both sides, rotation links kept, the later lastUsed), into
 *       a record sealed anew by this member (which holds the cluster secret) with a version above both;</li>
 *   <li>rate-limit state and counters: the side that has consumed more wins (fail towards limiting);</li>
 *   <li>anything else (the id map, whose values never change): the existing entry, else the merging one.</li>
 * </ul>
 * It carries no state; it is {@code DataSerializable} only because Hazelcast requires that of merge policies.
 * The member's keys come from its configuration (Hazelcast hands the member to the policy), never the wire.
 */
public final class RevokedWinsMergePolicy implements SplitBrainMergePolicy<Object, MergingValue<Object>, Object>,
        HazelcastInstanceAware {
    private transient volatile ClusterKeys keys;

    /** Hazelcast instantiates merge policies by class name. */
    public RevokedWinsMergePolicy() {
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        try {
            this.keys = ClusterKeys.of(instance);
        } catch (IllegalStateException e) {
            this.keys = null;
        }
    }

    /** The policy with a member's keys given directly (for running it outside a member, in unit tests). */
    RevokedWinsMergePolicy withKeys(ClusterKeys memberKeys) {
        this.keys = memberKeys;
        return this;
    }

    @Override
    public Object merge(MergingValue<Object> merging, MergingValue<Object> existing) {
        if (existing == null) {
            return merging == null || !valid(merging) ? null : merging.getRawValue();
        }
        if (merging == null) {
            return existing.getRawValue();
        }
        Object m = merging.getDeserializedValue();
        Object e = existing.getDeserializedValue();
        if (m instanceof SealedRecord ms && e instanceof SealedRecord es) {
            return mergeRecords(key(existing), ms, es, existing.getRawValue());
        }
        return mergingWins(m, e) ? merging.getRawValue() : existing.getRawValue();
    }

    private Object mergeRecords(String mapKey, SealedRecord m, SealedRecord e, Object existingRaw) {
        ClusterKeys k = keys;
        if (k == null || mapKey == null) {
            return existingRaw;
        }
        boolean mValid = m.verify(k, mapKey);
        boolean eValid = e.verify(k, mapKey);
        if (!mValid) {
            return eValid ? existingRaw : null;
        }
        if (!eValid) {
            return m;
        }
        if (!m.record().id().equals(e.record().id())) {
            return existingRaw;
        }
        if (sameSealedContent(m, e)) {
            return e.record().lastUsed() == null || (m.record().lastUsed() != null
                    && m.record().lastUsed().isAfter(e.record().lastUsed())) ? m : existingRaw;
        }
        KeyRecord merged = RecordMerge.restrictive(m.record(), e.record());
        return SealedRecord.seal(k, merged);
    }

    private static boolean sameSealedContent(SealedRecord a, SealedRecord b) {
        return a.record().version() == b.record().version()
                && Objects.equals(a.record().toBuilder().lastUsed(null).build(), b.record().toBuilder().lastUsed(null).build());
    }

    /** A merging entry that may be stored where nothing exists: not a record whose MAC fails. */
    private boolean valid(MergingValue<Object> merging) {
        Object v = merging.getDeserializedValue();
        if (!(v instanceof SealedRecord s)) {
            return true;
        }
        ClusterKeys k = keys;
        String mapKey = key(merging);
        return k != null && mapKey != null && s.verify(k, mapKey);
    }

    private static String key(MergingValue<Object> v) {
        return v instanceof MergingEntry<?, ?> entry && entry.getKey() instanceof String s ? s : null;
    }

    /** For values other than records: true if {@code merging} should replace {@code existing}. */
    static boolean mergingWins(Object merging, Object existing) {
        if (existing == null) {
            return merging != null;
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
