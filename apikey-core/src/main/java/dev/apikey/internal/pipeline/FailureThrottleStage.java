package dev.apikey.internal.pipeline;

import dev.apikey.ClientThrottle;
import dev.apikey.Decision;
import dev.apikey.internal.FailureThrottle;

/**
 * Counts a failed attempt (a malformed, unknown or unusable key) against its client. It runs after the answer,
 * never before the lookup, so a key that verifies is never refused by it: a client within its allowance gets the
 * failure's own answer, one past it 429 {@code too-many-failures} with {@code Retry-After}.
 */
final class FailureThrottleStage {
    private final FailureThrottle throttle;
    private final Responses responses;

    FailureThrottleStage(ClientThrottle config, Responses responses) {
        this.throttle = new FailureThrottle(config);
        this.responses = responses;
    }

    /** {@code failure} as it stands, or 429 if its client has failed too often. */
    Decision afterFailure(Attempt a, Decision failure) {
        if (!throttle.enabled()) {
            return failure;  // without reading the clock or the client's address for nothing
        }
        long wait = throttle.recordFailure(a.client(), a.nowNanos());
        return wait > 0 ? responses.throttled(wait) : failure;
    }
}
