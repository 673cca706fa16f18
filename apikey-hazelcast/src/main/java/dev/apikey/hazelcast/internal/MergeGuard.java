package dev.apikey.hazelcast.internal;

import com.hazelcast.core.ManagedContext;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;

/**
 * A member's managed context, which Hazelcast asks to initialise every merge policy before a merge into a map
 * (split-brain healing, and a client's {@code putAllWithMetadata}, which Hazelcast serves as a merge with
 * PassThroughMergePolicy and without calling interceptors). Apikey's own policy passes; any other policy is
 * wrapped so that it still decides for other maps' values, but an apikey value (a sealed record or a rate
 * state) is never replaced or created by it: the existing entry stays as it is.
 */
public final class MergeGuard implements ManagedContext {
    private final ManagedContext next;
    private final Class<?> apikeyPolicy;

    /**
     * @param next         the context the application configured, or {@code null}
     * @param apikeyPolicy the class of apikey's merge policy, which decides apikey values itself
     */
    public MergeGuard(ManagedContext next, Class<?> apikeyPolicy) {
        this.next = next;
        this.apikeyPolicy = apikeyPolicy;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Object initialize(Object obj) {
        Object o = next == null ? obj : next.initialize(obj);
        if (o instanceof SplitBrainMergePolicy p && !apikeyPolicy.isInstance(p) && !(p instanceof KeepApikeyValues)) {
            return new KeepApikeyValues(p);
        }
        return o;
    }

    /** Another policy, except that apikey values stay as they are. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static final class KeepApikeyValues implements SplitBrainMergePolicy<Object, MergingValue<Object>, Object> {
        private final SplitBrainMergePolicy delegate;

        KeepApikeyValues(SplitBrainMergePolicy delegate) {
            this.delegate = delegate;
        }

        @Override
        public Object merge(MergingValue<Object> merging, MergingValue<Object> existing) {
            if (isApikey(merging) || isApikey(existing)) {
                return existing == null ? null : existing.getRawValue();
            }
            return delegate.merge(merging, existing);
        }

        private static boolean isApikey(MergingValue<Object> v) {
            if (v == null) {
                return false;
            }
            Object value = v.getDeserializedValue();
            return value instanceof SealedRecord || value instanceof RateState;
        }

        @Override
        public void writeData(ObjectDataOutput out) {
            throw new UnsupportedOperationException("a member-local wrapper; never sent");
        }

        @Override
        public void readData(ObjectDataInput in) {
            throw new UnsupportedOperationException("a member-local wrapper; never sent");
        }
    }
}
