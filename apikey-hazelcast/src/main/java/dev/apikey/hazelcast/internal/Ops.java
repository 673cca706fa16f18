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
 * Runs cluster operations within a time bound and turns every failure into a
 * {@link StoreUnavailableException}, so callers answer 503 promptly instead of waiting for Hazelcast's own
 * invocation timeout (120 s by default).
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
