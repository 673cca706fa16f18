package dev.apikey.internal.pipeline;

import dev.apikey.ApiKey;
import dev.apikey.Decision;
import dev.apikey.KeyDigest;
import dev.apikey.KeyHasher;
import dev.apikey.KeyRecord;
import dev.apikey.Outcome;
import dev.apikey.internal.LegacyKeys;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.StoreUnavailableException;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Hashes the parsed key under each of the hasher's schemes (current first) and asks the store for the record:
 * none is a 401 {@code UNKNOWN_KEY}; a store that fails, or does not answer within the lookup timeout, is a 503
 * (fail closed). With a timeout the lookup runs on a bounded pool, so a store that hangs and ignores interrupts
 * ties up at most {@code threads} threads; after that requests are refused instead of piling up.
 */
final class LookupStage implements Stage, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.apikey");

    private final KeyStore store;
    private final KeyHasher hasher;
    private final Responses responses;
    private final ThreadPoolExecutor executor;
    private final long timeoutNanos;

    /** A lookup bounded by {@code timeout} on {@code threads} threads and {@code queue} waiting places, or unbounded if it is null. */
    LookupStage(KeyStore store, KeyHasher hasher, Responses responses, Duration timeout, int threads, int queue) {
        this.store = store;
        this.hasher = hasher;
        this.responses = responses;
        if (timeout == null) {
            this.executor = null;
            this.timeoutNanos = 0;
        } else {
            this.timeoutNanos = timeout.toNanos();
            this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(queue), r -> {
                        Thread t = new Thread(r, "apikey-lookup");
                        t.setDaemon(true);
                        return t;
                    }, new ThreadPoolExecutor.AbortPolicy());
            this.executor.allowCoreThreadTimeOut(true);
        }
    }

    @Override
    public Decision check(Attempt a) {
        // The key is judged at the time its lookup began, not whenever a slow store answers.
        a.now();
        try {
            a.record = a.legacy ? legacy(a.credential) : executor == null ? lookup(a.key) : lookupBounded(a.key);
        } catch (RuntimeException e) {
            // The message may hold store details: logged below WARN, never sent to the client.
            LOG.log(System.Logger.Level.DEBUG, () -> "key lookup failed: " + e.getClass().getName());
            return responses.of(Outcome.STORE_UNAVAILABLE);
        }
        return a.record == null ? responses.of(Outcome.UNKNOWN_KEY) : CONTINUE;
    }

    private KeyRecord lookup(ApiKey key) {
        for (int i = 0; i < hasher.schemeCount(); i++) {
            KeyRecord r = store.findByDigest(hasher.digestAt(i, key)).orElse(null);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /**
     * An imported legacy key: its plain SHA-256, and only among legacy records, so this path can never reach a key
     * of the format.
     */
    private KeyRecord legacy(String credential) {
        KeyDigest digest = LegacyKeys.digest(credential);
        KeyRecord r = executor == null ? store.findByDigest(digest).orElse(null) : bounded(() -> store.findByDigest(digest).orElse(null));
        return r != null && r.legacy() ? r : null;
    }

    private KeyRecord lookupBounded(ApiKey key) {
        return bounded(() -> lookup(key));
    }

    private KeyRecord bounded(Callable<KeyRecord> lookup) {
        Future<KeyRecord> f = executor.submit(lookup);
        try {
            return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new StoreUnavailableException("key lookup took longer than " + Duration.ofNanos(timeoutNanos));
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for the key lookup");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreUnavailableException("key lookup failed", e.getCause());
        }
    }

    /** Stops the lookup threads. */
    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
