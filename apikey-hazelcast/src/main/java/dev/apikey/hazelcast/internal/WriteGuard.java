package dev.apikey.hazelcast.internal;

import com.hazelcast.map.MapInterceptor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;

import java.io.IOException;

import java.util.Objects;

/**
 * The interceptor on every apikey map: it refuses every put and remove (a client's {@code put}, {@code set},
 * {@code putIfAbsent}, {@code replace}, {@code putAll}, {@code setTtl}, {@code remove}, {@code delete},
 * {@code evict}, {@code removeAll}) except the one write an apikey entry processor has just authorised on
 * this partition thread, after checking its caller's tag. Hazelcast calls interceptors on the thread that
 * runs the operation, right after the processor returns, so the authorisation cannot reach another caller's
 * operation with another value.
 *
 * <p>It holds no secret, so it can travel to joining members (as DataSerializable: a Compact value would need its
 * schema replicated to a member that is still joining, which stalls the join). Its hash code, which Hazelcast turns into the
 * interceptor's id (which a client would need to remove it), is derived from the cluster secret and the map
 * name: every member installs the same guard (Hazelcast keeps one per id), and a client without the secret
 * would have to guess 32 bits.
 */
public final class WriteGuard implements MapInterceptor, DataSerializable {
    private static final long serialVersionUID = 1L;
    private static final ThreadLocal<Object> ALLOWED = new ThreadLocal<>();
    /** The message of a refused removal. */
    static final String REMOVAL_REFUSED = "apikey maps refuse removals: revocations are tombstones, and usage state"
            + " leaves only by its own expiry";

    private int id;

    /** For Hazelcast, which creates the guard by class name on the members it travels to. */
    public WriteGuard() {
    }

    /** @param id the guard's hash code; {@link #forMap} derives it, so every member installs the same guard once */
    WriteGuard(int id) {
        this.id = id;
    }

    /** The guard of map {@code mapName}: its id is derived from the cluster secret, so only holders can name it. */
    static WriteGuard forMap(ClusterKeys keys, String mapName) {
        return new WriteGuard(keys.guardId(mapName));
    }

    int id() {
        return id;
    }

    /** Lets the next write on this thread store {@code value} (an entry processor calls it before setValue). */
    static void allow(Object value) {
        ALLOWED.set(Objects.requireNonNull(value));
    }

    /** Withdraws any authorisation left on this thread (every processor starts with it). */
    static void reset() {
        ALLOWED.remove();
    }

    @Override
    public Object interceptGet(Object value) {
        return null;
    }

    @Override
    public void afterGet(Object value) {
    }

    @Override
    public Object interceptPut(Object oldValue, Object newValue) {
        Object allowed = ALLOWED.get();
        ALLOWED.remove();
        if (allowed == null || !allowed.equals(newValue)) {
            throw new WriteRefusedException("apikey maps accept changes only through the apikey store and limiter,"
                    + " authorised by the cluster secret");
        }
        return null;
    }

    @Override
    public void afterPut(Object value) {
        ALLOWED.remove();
    }

    /**
     * Refuses every removal. Hazelcast also calls this when it drops an expired entry, after the record is gone:
     * the refusal then reaches the operation that met the expired entry, which {@link Ops#direct} runs once more.
     */
    @Override
    public Object interceptRemove(Object removedValue) {
        ALLOWED.remove();
        throw new WriteRefusedException(REMOVAL_REFUSED);
    }

    @Override
    public void afterRemove(Object value) {
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(id);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        id = in.readInt();
    }

    @Override
    public int hashCode() {
        return id;
    }

    @Override
    public boolean equals(Object o) {
        return o == this;
    }

    @Override
    public String toString() {
        return "WriteGuard";
    }
}
