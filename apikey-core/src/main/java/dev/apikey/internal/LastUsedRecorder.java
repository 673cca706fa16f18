package dev.apikey.internal;

import dev.apikey.KeyRecord;
import dev.apikey.spi.KeyStore;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Writes a key's last-used time at most once per {@link #INTERVAL}, off the request thread, through
 * {@link KeyStore#recordUse}: the store sets the time on the record it holds when the write runs, so a write
 * queued before a revocation can never carry the earlier record back. A failed write is dropped: last-used is
 * advisory and must never delay or fail a request.
 */
public final class LastUsedRecorder {
    /** The finest granularity of last-used. */
    public static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final System.Logger LOG = System.getLogger("dev.apikey");
    private static final int MAX_PENDING = 100_000;

    private final KeyStore store;
    private final Executor executor;
    private final ConcurrentHashMap<String, Instant> lastWritten = new ConcurrentHashMap<>();

    /** A recorder writing to {@code store} on {@code executor}. */
    public LastUsedRecorder(KeyStore store, Executor executor) {
        this.store = store;
        this.executor = executor;
    }

    /** Notes that {@code r} was used at {@code now}; writes if the stored value is a minute old or more. */
    public void used(KeyRecord r, Instant now) {
        if (r.lastUsed() != null && now.getEpochSecond() - r.lastUsed().getEpochSecond() < INTERVAL.getSeconds()) {
            return;
        }
        Instant prev = lastWritten.get(r.id());
        if (prev != null && now.getEpochSecond() - prev.getEpochSecond() < INTERVAL.getSeconds()) {
            return;
        }
        if (lastWritten.size() > MAX_PENDING) {
            lastWritten.clear();
        }
        if ((prev == null ? lastWritten.putIfAbsent(r.id(), now) : lastWritten.replace(r.id(), prev, now) ? null : now) != null) {
            return;
        }
        try {
            executor.execute(() -> write(r.id(), now));
        } catch (RejectedExecutionException e) {
            lastWritten.remove(r.id(), now);
        }
    }

    private void write(String id, Instant now) {
        try {
            store.recordUse(id, now);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "last-used update of " + id + " failed: " + e.getClass().getSimpleName());
        }
    }
}
