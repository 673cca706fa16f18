package dev.apikey.local;

import dev.apikey.spi.RateLimiter;
import dev.apikey.spi.RateLimiterContract;

/** The rate limiter contract on the single-node limiter. */
class LocalRateLimiterContractTest extends RateLimiterContract {
    @Override
    protected RateLimiter newLimiter() {
        return new LocalRateLimiter();
    }
}
