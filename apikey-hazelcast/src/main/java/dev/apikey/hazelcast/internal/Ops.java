package dev.apikey.hazelcast.internal;

import dev.apikey.ApiKeyException;
import dev.apikey.spi.StoreUnavailableException;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs cluster operations and turns every failure into a {@link StoreUnavailableException}, so callers answer
 * 503. {@link #await} bounds the wait (key-store calls answer 503 promptly instead of after Hazelcast's own
 * invocation timeout, 120 s by default); {@link #direct} runs the per-request calls on the calling thread.
 */
public final class Ops {
    private final long timeoutMillis;
    private final Duration timeout;
    private final BooleanSupplier reachable;

    /**
     * @param timeout   the bound on one operation
     * @param reachable false while a client is disconnected: operations then fail at once
     */
    public Ops(Duration timeout, BooleanSupplier reachable) {
        this.timeout = timeout;
        this.timeoutMillis = timeout.toMillis();
        this.reachable = reachable;
    }

    /**
     * Runs a synchronous operation on the calling thread, for the per-request calls (rate limits, counters).
     * Hazelcast completes the futures of its asynchronous calls through its default executor, which is the
     * common ForkJoin pool, or, where that pool has fewer than two threads (machines with two cores or fewer),
     * a new thread per call: measured on such a machine, a rate-limit check through {@link #await} took 1.38x
     * a bare entry-processor call at a third of its throughput, and the same call made here 1.02x. The bound
     * is then Hazelcast's own: a disconnected client fails at once (as in {@link #await}); otherwise the
     * member's operation call timeout or the client's invocation timeout applies.
     */
    public <T> T direct(String what, Supplier<T> operation) {
        if (!reachable.getAsBoolean()) {
            throw new StoreUnavailableException(what + ": the Hazelcast cluster is not connected");
        }
        try {
            try {
                return operation.get();
            } catch (RuntimeException e) {
                if (!expiredEntryDropped(e)) {
                    throw e;
                }
                // The state's TTL had passed: Hazelcast removed the entry, then the guard refused that removal
                // (it cannot tell an expiry from a client's remove). The entry is gone, so the second run starts afresh.
                return operation.get();
            }
        } catch (ApiKeyException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unavailable(what, e);
        }
    }

    /** True if {@code e} carries the {@link WriteGuard}'s refusal of a removal (on a member or, wrapped, a client). */
    private static boolean expiredEntryDropped(Throwable e) {
        return WriteRefused.in(e) && WriteRefused.message(e).contains(WriteGuard.REMOVAL_REFUSED);
    }

    /** Starts an asynchronous operation and waits for it at most the timeout. */
    public <T> T await(String what, Supplier<? extends CompletionStage<T>> operation) {
        if (!reachable.getAsBoolean()) {
            throw new StoreUnavailableException(what + ": the Hazelcast cluster is not connected");
        }
        try {
            return operation.get().toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new StoreUnavailableException(what + ": no answer from the Hazelcast cluster within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException(what + ": interrupted while waiting for the Hazelcast cluster", e);
        } catch (ExecutionException e) {
            throw unavailable(what, e.getCause() == null ? e : e.getCause());
        } catch (ApiKeyException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unavailable(what, e);
        }
    }

    private static StoreUnavailableException unavailable(String what, Throwable cause) {
        return new StoreUnavailableException(what + ": Hazelcast operation failed (" + cause.getClass().getName() + ")",
                cause);
    }
}
