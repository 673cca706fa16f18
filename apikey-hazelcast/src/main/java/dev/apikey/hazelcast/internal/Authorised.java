package dev.apikey.hazelcast.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The base of every apikey entry processor. Interceptors do not see entry processors' arguments, and a client
 * can send the project's own processors with arguments of its choosing, so each one carries a tag: an HMAC,
 * keyed by the cluster secret, over its type, the map key it is meant for and its arguments. The member
 * checks the tag before anything else and refuses the call without touching the entry when it fails.
 *
 * <p>The member's keys come from its configuration (Hazelcast hands the member to processors it deserializes),
 * never over the wire.
 */
public abstract class Authorised<K, V, R> implements EntryProcessor<K, V, R>, HazelcastInstanceAware {
    private static final long serialVersionUID = 1L;

    private final byte[] tag;
    private transient ClusterKeys memberKeys;

    /** @param tag {@link ClusterKeys#tag} over {@link #type()}, the map key and {@link #arguments()} */
    protected Authorised(byte[] tag) {
        this.tag = tag == null ? new byte[0] : tag.clone();
    }

    /** The processor's stable type name, also its Compact type name. */
    abstract String type();

    /** Everything the processor does depends on, for the tag. */
    abstract Canonical arguments();

    byte[] tag() {
        return tag.clone();
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        try {
            this.memberKeys = ClusterKeys.of(instance);
        } catch (IllegalStateException e) {
            this.memberKeys = null;
        }
    }

    /** Gives the processor a member's keys directly (for running it outside a member, in unit tests). */
    void useKeys(ClusterKeys keys) {
        this.memberKeys = keys;
    }

    /**
     * Checks the tag for {@code mapKey} and withdraws any write authorisation left on this thread.
     *
     * @return the member's keys, for processors that check record MACs as well
     * @throws WriteRefusedException if the member has no keys or the tag does not hold
     */
    ClusterKeys authorise(Object mapKey) {
        WriteGuard.reset();
        ClusterKeys keys = memberKeys;
        if (keys == null) {
            throw new WriteRefusedException("this member holds no apikey cluster secret; it runs no apikey processor");
        }
        if (!keys.verifyTag(tag, type(), mapKey, arguments())) {
            throw new WriteRefusedException("an apikey processor without a valid tag was refused");
        }
        return keys;
    }

    /** Sets the entry's value through the write guard; {@code ttlMillis <= 0} keeps the entry's expiry. */
    static <X> void setWithTtl(Map.Entry<?, X> entry, X value, long ttlMillis) {
        WriteGuard.allow(value);
        if (ttlMillis > 0 && entry instanceof ExtendedMapEntry<?, X> extended) {
            extended.setValue(value, ttlMillis, TimeUnit.MILLISECONDS);
        } else {
            entry.setValue(value);
        }
    }
}
