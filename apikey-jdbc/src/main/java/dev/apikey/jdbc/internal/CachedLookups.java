package dev.apikey.jdbc.internal;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyDigest;
import dev.apikey.KeyRecord;

import javax.sql.DataSource;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The lookups by digest of a {@code JdbcKeyStore} with a cache: a {@link RecordCache} in front of the database,
 * kept current by a {@link ChangeListener}. A hit is one map probe and runs no SQL; a miss reads the database
 * and keeps what it found, unless a change was announced while it read.
 */
public final class CachedLookups implements AutoCloseable {
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final RecordCache cache;
    private final ChangeListener listener;

    private CachedLookups(RecordCache cache, ChangeListener listener) {
        this.cache = cache;
        this.listener = listener;
    }

    /**
     * Starts the listener on a connection of {@code dataSource} and returns at once; until it listens, every
     * lookup reads the database.
     *
     * @throws InvalidConfigurationException if the PostgreSQL driver is not on the class path
     */
    public static CachedLookups start(DataSource dataSource, long ttlNanos, int maxEntries, LongSupplier ticker) {
        try {
            Class.forName("org.postgresql.PGConnection", false, CachedLookups.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new InvalidConfigurationException("the key cache listens through PostgreSQL's driver"
                    + " (org.postgresql:postgresql), which is not on the class path");
        }
        RecordCache cache = new RecordCache(ttlNanos, maxEntries, ticker);
        ChangeListener listener = new ChangeListener(dataSource, cache);
        listener.start();
        return new CachedLookups(cache, listener);
    }

    /** The record for {@code digest}: from the cache, else from {@code load}, whose answer may be kept. */
    public Optional<KeyRecord> find(KeyDigest digest, Function<KeyDigest, Optional<KeyRecord>> load) {
        Optional<KeyRecord> hit = cache.get(digest);
        if (hit != null) {
            hits.increment();
            return hit;
        }
        misses.increment();
        long gen = cache.generation();
        long readAt = cache.now();
        Optional<KeyRecord> found = load.apply(digest);
        found.ifPresent(r -> cache.put(digest, r, gen, readAt));
        return found;
    }

    /** Lookups the cache answered. */
    public long hits() {
        return hits.sum();
    }

    /** Lookups the cache passed on to the database. */
    public long misses() {
        return misses.sum();
    }

    /** This node changed the record with id {@code id}: forget it now, before the notification comes back. */
    public void changed(String id) {
        cache.evict(id);
    }

    /** True while changes are heard and the cache is in use. */
    public boolean listening() {
        return listener.listening();
    }

    /** How many records are cached. */
    public int size() {
        return cache.size();
    }

    /** Stops the listener, gives its connection back and empties the cache; lookups then read the database. */
    @Override
    public void close() {
        listener.close();
    }
}
