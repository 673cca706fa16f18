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
 * keyed by the cluster secret, over its type, the map key it is meant for, its arguments and the time it was
 * issued. The member checks the tag before anything else, and the time against its own clock (a recorded
 * processor replayed later is refused), and refuses the call without touching the entry when either fails.
 *
 * <p>The member's keys come from its configuration (Hazelcast hands the member to processors it deserializes),
 * never over the wire.
 */
public abstract class Authorised<K, V, R> implements EntryProcessor<K, V, R>, HazelcastInstanceAware {
    private static final long serialVersionUID = 1L;

    /**
     * How far a processor's issue time may lie from the member's clock: more than the skew of hosts that keep
     * time, far less than the life of a key, so a recorded processor cannot be replayed later (say, to re-create
     * a record after its tombstone was evicted).
     */
    static final long REPLAY_WINDOW_MILLIS = TimeUnit.MINUTES.toMillis(5);

    private final long issuedAt;
    private final byte[] tag;
    private transient ClusterKeys memberKeys;

    /**
     * @param issuedAt when the caller made it (epoch millis)
     * @param tag      {@link ClusterKeys#tag} over {@link #type()}, the map key and {@link #signed()}
     */
    protected Authorised(long issuedAt, byte[] tag) {
        this.issuedAt = issuedAt;
        this.tag = tag == null ? new byte[0] : tag.clone();
    }

    /** The processor's stable type name, also its Compact type name. */
    abstract String type();

    /** Everything the processor does depends on, for the tag. */
    abstract Canonical arguments();

    /** What the tag covers: the arguments and the issue time. */
    Canonical signed() {
        return arguments().field("issuedAt", issuedAt);
    }

    long issuedAt() {
        return issuedAt;
    }

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
        if (!keys.verifyTag(tag, type(), mapKey, signed())) {
            throw new WriteRefusedException("an apikey processor without a valid tag was refused");
        }
        if (Math.abs(System.currentTimeMillis() - issuedAt) > REPLAY_WINDOW_MILLIS) {
            throw new WriteRefusedException("an apikey processor issued more than " + REPLAY_WINDOW_MILLIS / 1000
                    + " s from this member's time was refused (a replay, or clocks far apart)");
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
