package dev.apikey.internal.pipeline;

import dev.apikey.ApiKey;
import dev.apikey.KeyRecord;
import dev.apikey.MutableClock;
import dev.apikey.Outcome;
import dev.apikey.Quota;
import dev.apikey.RateLimitPolicy;
import dev.apikey.local.LocalRateLimiter;
import dev.apikey.local.LocalUsageCounters;
import dev.apikey.spi.RateLimiter;
import dev.apikey.spi.UsageCounters;
import org.junit.jupiter.api.Test;

import static dev.apikey.internal.pipeline.Requests.NOW;
import static dev.apikey.internal.pipeline.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

class LimitsStageTest {
    private final MutableClock clock = new MutableClock(NOW);
    private final ApiKey key = Requests.key();
    private final RateLimiter failingLimiter = (bucket, policy, now) -> {
        throw new IllegalStateException("limiter down");
    };
    private final UsageCounters counters = new LocalUsageCounters(clock);

    private LimitsStage stage(RateLimiter limiter, RateLimitPolicy defaultPolicy, boolean failOpen) {
        return new LimitsStage(limiter, counters, defaultPolicy, failOpen, Requests.responses());
    }

    private Attempt attempt(KeyRecord r) {
        Attempt a = Requests.attempt(request().build(), clock);
        a.key = key;
        a.record = r;
        return a;
    }

    @Test
    void aKeyWithoutPolicyQuotaOrCreditsGoesOnUncounted() {
        Attempt a = attempt(Requests.recordOf(key).build());
        assertThat(stage(new LocalRateLimiter(), null, false).check(a)).isNull();
        assertThat(a.rateLimit).isNull();
    }

    @Test
    void theKeysPolicyOrTheDefaultIsCountedUntilExhausted() {
        LimitsStage s = stage(new LocalRateLimiter(), RateLimitPolicy.parse("2/1m"), false);
        KeyRecord r = Requests.recordOf(key).build();
        Attempt first = attempt(r);
        assertThat(s.check(first)).isNull();
        assertThat(first.policy).isEqualTo(RateLimitPolicy.parse("2/1m"));
        assertThat(first.rateLimit.allowed()).isTrue();
        assertThat(s.check(attempt(r))).isNull();
        var refused = s.check(attempt(r));
        assertThat(refused.outcome()).isEqualTo(Outcome.RATE_LIMITED);
        assertThat(refused.retryAfterSeconds()).isEqualTo(30);
        assertThat(refused.header("RateLimit")).contains("r=0");
        KeyRecord own = Requests.recordOf(key).rateLimitPolicy(RateLimitPolicy.parse("1/1h")).build();
        LimitsStage ownPolicy = stage(new LocalRateLimiter(), RateLimitPolicy.parse("100/1s"), false);
        assertThat(ownPolicy.check(attempt(own))).isNull();
        assertThat(ownPolicy.check(attempt(own)).outcome()).as("the key's own policy wins").isEqualTo(Outcome.RATE_LIMITED);
    }

    @Test
    void aQuotaAndCreditsAreCountedAfterTheRateLimit() {
        LimitsStage s = stage(new LocalRateLimiter(), null, false);
        KeyRecord daily = Requests.recordOf(key).quota(Quota.parse("1/day")).build();
        assertThat(s.check(attempt(daily))).isNull();
        var quota = s.check(attempt(daily));
        assertThat(quota.outcome()).isEqualTo(Outcome.QUOTA_EXCEEDED);
        assertThat(quota.retryAfterSeconds()).as("until the next UTC day").isEqualTo(86_400);
        assertThat(quota.body()).contains("daily quota");
        KeyRecord credits = Requests.recordOf(key).credits(1L).build();
        assertThat(s.check(attempt(credits))).isNull();
        assertThat(s.check(attempt(credits)).outcome()).isEqualTo(Outcome.CREDITS_EXHAUSTED);
    }

    @Test
    void aFailingLimiterIsUnavailableUnlessConfiguredToFailOpen() {
        KeyRecord r = Requests.recordOf(key).rateLimitPolicy(RateLimitPolicy.parse("5/1m")).build();
        assertThat(stage(failingLimiter, null, false).check(attempt(r)).outcome()).isEqualTo(Outcome.LIMITER_UNAVAILABLE);
        Attempt open = attempt(r);
        assertThat(stage(failingLimiter, null, true).check(open)).isNull();
        assertThat(open.rateLimit).as("no state to show").isNull();
    }

    @Test
    void failingCountersAreUnavailableUnlessConfiguredToFailOpen() {
        UsageCounters broken = (id, limit, forgetAt) -> {
            throw new IllegalStateException("counters down");
        };
        KeyRecord r = Requests.recordOf(key).credits(10L).build();
        LimitsStage closed = new LimitsStage(new LocalRateLimiter(), broken, null, false, Requests.responses());
        LimitsStage open = new LimitsStage(new LocalRateLimiter(), broken, null, true, Requests.responses());
        assertThat(closed.check(attempt(r)).outcome()).isEqualTo(Outcome.LIMITER_UNAVAILABLE);
        assertThat(open.check(attempt(r))).isNull();
    }
}
