package dev.apikey.internal.pipeline;

import dev.apikey.Decision;
import dev.apikey.KeyRecord;
import dev.apikey.Outcome;
import dev.apikey.Per;
import dev.apikey.Quota;
import dev.apikey.RateLimitPolicy;
import dev.apikey.internal.UsageIds;
import dev.apikey.spi.RateLimitResult;
import dev.apikey.spi.RateLimiter;
import dev.apikey.spi.UsageCounters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts the request against its key's lineage (or, for limits counted per owner or tenant, against theirs): the
 * rate limits of the key's policy (or the default one), then its calendar quota, then its credits. An exhausted one is a 429 with {@code Retry-After}. A limiter or counter that
 * fails is a 503, or lets the request through without rate-limit state when configured to fail open.
 */
final class LimitsStage implements Stage {
    private static final System.Logger LOG = System.getLogger("dev.apikey");
    private static final long SECOND = 1_000_000_000L;
    private static final long CREDITS_RETRY_NANOS = 86_400 * SECOND;

    private final RateLimiter limiter;
    private final UsageCounters counters;
    private final RateLimitPolicy defaultPolicy;
    private final boolean failOpen;
    private final Responses responses;

    LimitsStage(RateLimiter limiter, UsageCounters counters, RateLimitPolicy defaultPolicy, boolean failOpen,
                Responses responses) {
        this.limiter = limiter;
        this.counters = counters;
        this.defaultPolicy = defaultPolicy;
        this.failOpen = failOpen;
        this.responses = responses;
    }

    @Override
    public Decision check(Attempt a) {
        KeyRecord r = a.record;
        RateLimitPolicy policy = r.rateLimitPolicy() != null ? r.rateLimitPolicy() : defaultPolicy;
        if (policy != null) {
            a.policy = policy;
            try {
                a.rateLimit = policy.isShared() ? acquireShared(r, policy, a.nowNanos())
                        : limiter.tryAcquire(UsageIds.bucket(r), policy, a.nowNanos());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "rate limiter failed: " + e.getClass().getName());
                if (!failOpen) {
                    return responses.of(Outcome.LIMITER_UNAVAILABLE);
                }
            }
            if (a.rateLimit != null && !a.rateLimit.allowed()) {
                return responses.limited(Outcome.RATE_LIMITED, a.rateLimit.retryAfterNanos(), policy, a.rateLimit,
                        "The API key's rate limit is exhausted; retry after the time in Retry-After.");
            }
        }
        if (r.quota() == null && r.credits() == null) {
            return CONTINUE;
        }
        try {
            return counted(a, r, a.now());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "usage counters failed: " + e.getClass().getName());
            return failOpen ? CONTINUE : responses.of(Outcome.LIMITER_UNAVAILABLE);
        }
    }

    /**
     * A policy whose limits count for different parties: each party's limits on its own bucket, the key's first,
     * then the owner's, then the tenant's, stopping at the first refusal. A request refused by a wider party's limit
     * has still spent a permit of the narrower ones it passed: it can only admit less, never more. The result holds
     * every limit's state, so the headers report whichever is closest to running out.
     */
    private RateLimitResult acquireShared(KeyRecord r, RateLimitPolicy policy, long nowNanos) {
        List<RateLimitResult.LimitState> states = new ArrayList<>(policy.limits().size());
        for (Per per : Per.values()) {
            RateLimitPolicy part = policy.only(per);
            if (part == null) {
                continue;
            }
            RateLimitResult result = limiter.tryAcquire(UsageIds.bucket(r, per), part, nowNanos);
            states.addAll(result.limits());
            if (!result.allowed()) {
                return new RateLimitResult(false, states, result.retryAfterNanos());
            }
        }
        return new RateLimitResult(true, states, 0);
    }

    private Decision counted(Attempt a, KeyRecord r, Instant now) {
        Quota q = r.quota();
        if (q != null) {
            Instant end = q.periodEnd(now);
            if (counters.tryIncrement(UsageIds.quotaCounter(r, q, q.periodStart(now)), q.limit(), end) < 0) {
                long wait = (end.getEpochSecond() - now.getEpochSecond()) * SECOND - now.getNano();
                return responses.limited(Outcome.QUOTA_EXCEEDED, wait, a.policy, a.rateLimit,
                        (q.per() == Per.KEY ? "The API key's " : "The " + q.per().word() + "'s ")
                                + (q.period() == Quota.Period.DAY ? "daily" : "monthly")
                                + " quota is used up; retry after the time in Retry-After.");
            }
        }
        Long credits = r.credits();
        if (credits != null
                && counters.tryIncrement(UsageIds.creditCounter(r), credits, UsageIds.creditsForgetAt(r)) < 0) {
            return responses.limited(Outcome.CREDITS_EXHAUSTED, CREDITS_RETRY_NANOS, a.policy, a.rateLimit,
                    r.creditsPer() == Per.KEY ? "The API key's credits are used up."
                            : "The " + r.creditsPer().word() + "'s credits are used up.");
        }
        return CONTINUE;
    }
}
