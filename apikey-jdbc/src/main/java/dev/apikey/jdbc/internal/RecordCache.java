package dev.apikey.jdbc.internal;

import dev.apikey.KeyDigest;
import dev.apikey.KeyRecord;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Records found by digest, each kept at most a TTL after it was read, at most {@code maxEntries} of them, and
 * dropped by id when a change is announced. Only found records are kept: a digest that is not in the database
 * is asked again every time, so a key issued on another node is valid here at once.
 *
 * <p>A read that races with a change must not put back what the change replaced: every eviction moves a
 * generation counter, and {@link #put} keeps a record only if no eviction happened since the read began
 * ({@link #generation()} taken before it). An eviction that lands between the check and the insert finds the
 * inserted entry (the index by id is written first) and removes it.
 *
 * <p>While {@link #accepting(boolean)} is off (the change listener is not listening) nothing new is kept.
 */
public final class RecordCache {
    private record Entry(Optional<KeyRecord> found, long expiresAt) {
    }

    private final ConcurrentHashMap<KeyDigest, Entry> byDigest = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, KeyDigest> digestById = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final ReentrantLock sweeping = new ReentrantLock();
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier ticker;
    private volatile boolean accepting;

    /** A cache whose entries live {@code ttlNanos} on {@code ticker}, at most {@code maxEntries} of them. */
    public RecordCache(long ttlNanos, int maxEntries, LongSupplier ticker) {
        this.ttlNanos = ttlNanos;
        this.maxEntries = maxEntries;
        this.ticker = ticker;
    }

    /** The cached record for {@code digest}, or null when none is cached or it is older than the TTL. */
    public Optional<KeyRecord> get(KeyDigest digest) {
        Entry e = byDigest.get(digest);
        if (e == null) {
            return null;
        }
        if (ticker.getAsLong() - e.expiresAt >= 0) {
            remove(digest, e);
            return null;
        }
        return e.found;
    }

    /** The current generation; take it before reading from the database, and hand it to {@link #put}. */
    public long generation() {
        return generation.get();
    }

    /** The ticker's now: taken before reading, it starts the TTL of what the read returns. */
    public long now() {
        return ticker.getAsLong();
    }

    /**
     * Keeps {@code record}, read for {@code digest} starting at {@code readAt} in generation {@code gen}, unless
     * a change was announced since then or the cache is not accepting.
     */
    public void put(KeyDigest digest, KeyRecord record, long gen, long readAt) {
        if (!accepting || generation.get() != gen) {
            return;
        }
        if (byDigest.size() >= maxEntries) {
            makeRoom();
        }
        Entry e = new Entry(Optional.of(record), readAt + ttlNanos);
        digestById.put(record.id(), digest);
        byDigest.put(digest, e);
        if (generation.get() != gen || !accepting) {
            remove(digest, e);
        }
    }

    /** Drops the record with public id {@code id}, and keeps no read that began before this call. */
    public void evict(String id) {
        generation.incrementAndGet();
        KeyDigest d = digestById.remove(id);
        if (d != null) {
            byDigest.remove(d);
        }
    }

    /** Drops every record, and keeps no read that began before this call. */
    public void flush() {
        generation.incrementAndGet();
        byDigest.clear();
        digestById.clear();
    }

    /** Whether {@link #put} keeps records: only while changes are being heard. */
    public void accepting(boolean on) {
        accepting = on;
    }

    /** Whether {@link #put} keeps records. */
    public boolean accepting() {
        return accepting;
    }

    /** How many records are cached (expired ones included until they are next asked for or swept). */
    public int size() {
        return byDigest.size();
    }

    private void remove(KeyDigest digest, Entry e) {
        if (byDigest.remove(digest, e)) {
            e.found.ifPresent(r -> digestById.remove(r.id(), digest));
        }
    }

    /**
     * Drops expired entries and, if that is not enough, arbitrary ones down to 90% of the bound: no order is
     * kept per read, so a hit costs one map probe. One thread sweeps; the others carry on.
     */
    private void makeRoom() {
        if (!sweeping.tryLock()) {
            return;
        }
        try {
            long now = ticker.getAsLong();
            byDigest.forEach((d, e) -> {
                if (now - e.expiresAt >= 0) {
                    remove(d, e);
                }
            });
            int target = maxEntries - Math.max(1, maxEntries / 10);
            Iterator<Map.Entry<KeyDigest, Entry>> it = byDigest.entrySet().iterator();
            while (byDigest.size() > target && it.hasNext()) {
                Map.Entry<KeyDigest, Entry> next = it.next();
                remove(next.getKey(), next.getValue());
            }
        } finally {
            sweeping.unlock();
        }
    }
}
