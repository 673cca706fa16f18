package dev.apikey.spi;

/**
 * What a key store can tell about itself cheaply, for gauges (see {@code ApiKeyMetrics.bindStore}). A store that
 * implements it says how many records it holds; one with a per-node cache also counts the lookups the cache
 * answered and those it passed on.
 */
public interface StoreStatistics {
    /**
     * How many records the store holds, revoked ones included. May ask the backend (one count query for a
     * database), so call it at scrape time, not per request.
     *
     * @throws StoreUnavailableException if the store cannot answer
     */
    long recordCount();

    /** Lookups by digest the per-node cache answered since the store started, or -1 without a cache. */
    default long cacheHits() {
        return -1;
    }

    /** Lookups by digest the per-node cache passed on to the backend, or -1 without a cache. */
    default long cacheMisses() {
        return -1;
    }
}
