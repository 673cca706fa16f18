package dev.apikey.spi;

import dev.apikey.RateLimit;

import java.util.List;

/**
 * The answer of a {@link RateLimiter}: whether the request passes, and the state of every limit of the
 * policy, which the RateLimit headers report.
 *
 * @param allowed         true if every limit admitted the request (and a permit was taken from each)
 * @param limits          the state of each limit, in policy order
 * @param retryAfterNanos when denied, how long until the request would pass; 0 when allowed
 */
public record RateLimitResult(boolean allowed, List<LimitState> limits, long retryAfterNanos) {
    /** Copies the list. */
    public RateLimitResult {
        limits = List.copyOf(limits);
    }

    /**
     * The state of one limit after the request.
     *
     * @param limit      the limit
     * @param remaining  requests that would still pass at once
     * @param resetNanos time until the limit is fully replenished
     * @param denied     true if this limit refused the request
     */
    public record LimitState(RateLimit limit, long remaining, long resetNanos, boolean denied) {
    }

    /**
     * The limit the headers report: a refusing limit (the one to wait longest for), else the one with the
     * fewest remaining requests.
     */
    public LimitState decisive() {
        LimitState best = null;
        for (int i = 0; i < limits.size(); i++) {  // by index: asked on every request
            LimitState s = limits.get(i);
            if (best == null) {
                best = s;
            } else if (s.denied() != best.denied()) {
                best = s.denied() ? s : best;
            } else if (s.remaining() < best.remaining()
                    || (s.remaining() == best.remaining() && s.resetNanos() > best.resetNanos())) {
                best = s;
            }
        }
        return best;
    }
}
