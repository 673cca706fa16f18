package dev.apikey.internal.pipeline;

import dev.apikey.AccessRequest;
import dev.apikey.ApiKey;
import dev.apikey.KeyRecord;
import dev.apikey.RateLimitPolicy;
import dev.apikey.internal.ClientAddresses;
import dev.apikey.spi.RateLimitResult;

import java.time.Clock;
import java.time.Instant;

/**
 * One request on its way through the stages: what it asks, and what the stages found out so far (its credential,
 * the parsed key, the stored record, the rate-limit state). The time and the client's address are worked out on
 * first use and then kept, so that every stage and the audit event see the same ones. Belongs to one request.
 */
final class Attempt {
    private final AccessRequest request;
    private final Clock clock;
    private final ClientAddresses clients;
    private final long startedNanos;
    private Instant now;
    private String client;
    private boolean clientKnown;

    /** The one credential the request carries; set by {@link CredentialStage}. */
    String credential;
    /** The credential as a key of the format; set by {@link ParseStage}. */
    ApiKey key;
    /** True if the credential is not a key of the format and is looked up as an imported legacy key. */
    boolean legacy;
    /** The stored record of the key; set by {@link LookupStage}. */
    KeyRecord record;
    /** The policy the key was counted under, or null; set by {@link LimitsStage}. */
    RateLimitPolicy policy;
    /** The rate limiter's answer, or null; set by {@link LimitsStage}. */
    RateLimitResult rateLimit;

    /** An attempt at {@code request}; {@code timed} if anything reads its {@link #elapsedNanos()}. */
    Attempt(AccessRequest request, Clock clock, ClientAddresses clients, boolean timed) {
        this.request = request;
        this.clock = clock;
        this.clients = clients;
        // A clock read is a tenth of a valid verify on a virtual machine's clock (VerifyBenchmark): not for nothing.
        this.startedNanos = timed ? System.nanoTime() : NOT_TIMED;
    }

    private static final long NOT_TIMED = Long.MIN_VALUE;

    AccessRequest request() {
        return request;
    }

    /** When the request is decided: the clock, read once. */
    Instant now() {
        Instant t = now;
        if (t == null) {
            t = clock.instant();
            now = t;
        }
        return t;
    }

    /** {@link #now()} in epoch nanoseconds, as the rate limiter and the failure throttle count time. */
    long nowNanos() {
        Instant t = now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /**
     * The client's address (see {@link ClientAddresses#resolve}): {@code null} when unknown,
     * {@link ClientAddresses#UNRESOLVED} when a trusted proxy's header does not name it.
     */
    String client() {
        if (!clientKnown) {
            client = clients.resolve(request);
            clientKnown = true;
        }
        return client;
    }

    /** Whether the request came from a trusted proxy that may name another client. */
    boolean mayBeForwarded() {
        return clients.mayBeForwarded(request);
    }

    /** Nanoseconds since the request arrived at the verifier, or 0 if the attempt is not timed. */
    long elapsedNanos() {
        return startedNanos == NOT_TIMED ? 0 : System.nanoTime() - startedNanos;
    }
}
