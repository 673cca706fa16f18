package dev.apikey.local;

import dev.apikey.RateLimit;
import dev.apikey.RateLimitPolicy;
import dev.apikey.spi.RateLimitResult;

import java.util.List;

/**
 * The generic cell rate algorithm, shared by every {@link RateLimiter} so that the local and the
 * distributed limiter answer alike. The state of a limit is one number, its theoretical arrival time (TAT).
 *
 * <p>A limit {@code N/P burst B} has emission interval {@code T = P/N} and admits a request at time {@code t}
 * if {@code TAT - t <= (B-1)T}; an admitted request moves TAT to {@code max(TAT, t) + T}. So a fresh key
 * may send B requests at once, then one every T. Over any window of length W it admits at most
 * {@code B + floor(W/T)} requests (with the default B = N: at most N at once, and N per period on average).
 */
public final class Gcra {
    private Gcra() {
    }

    /** Emission interval of a limit, in nanoseconds (at least 1). */
    public static long interval(RateLimit limit) {
        return Math.max(1L, limit.period().toNanos() / limit.permits());
    }

    /**
     * Takes a permit from every limit if all conform. {@code tats} holds one TAT per limit of the policy
     * (0 for a fresh limit) and is updated in place only when the request is admitted.
     */
    public static RateLimitResult tryAcquire(RateLimitPolicy policy, long[] tats, long now) {
        List<RateLimit> limits = policy.limits();
        if (limits.size() == 1) {
            return tryAcquireOne(limits.get(0), interval(limits.get(0)), tats, now);
        }
        return tryAcquireAll(policy, tats, now);
    }

    private static RateLimitResult tryAcquireAll(RateLimitPolicy policy, long[] tats, long now) {
        List<RateLimit> limits = policy.limits();
        boolean allowed = true;
        long retry = 0;
        for (int i = 0; i < limits.size(); i++) {
            RateLimit l = limits.get(i);
            long t = interval(l);
            long tolerance = tolerance(l, t);
            long tat = Math.max(tats[i], now);
            if (tat - now > tolerance) {
                allowed = false;
                retry = Math.max(retry, tat - now - tolerance);
            }
        }
        RateLimitResult.LimitState[] states = new RateLimitResult.LimitState[limits.size()];
        for (int i = 0; i < limits.size(); i++) {
            RateLimit l = limits.get(i);
            long t = interval(l);
            long tolerance = tolerance(l, t);
            long tat = Math.max(tats[i], now);
            boolean denied = tat - now > tolerance;
            if (allowed) {
                tat += t;
                tats[i] = tat;
            }
            long remaining = Math.max(0, (now + tolerance + t - tat) / t);
            if (remaining > l.burst()) {
                remaining = l.burst();
            }
            states[i] = new RateLimitResult.LimitState(l, remaining, Math.max(0, tat - now), denied);
        }
        return new RateLimitResult(allowed, states.length == 1 ? List.of(states[0]) : List.of(states), allowed ? 0 : retry);
    }

    /** The single-limit case of {@link #tryAcquire}, the common one, without the per-call state array. */
    private static RateLimitResult tryAcquireOne(RateLimit l, long t, long[] tats, long now) {
        long tat = Math.max(tats[0], now);
        boolean allowed = tat - now <= tolerance(l, t);
        if (allowed) {
            tat += t;
            tats[0] = tat;
        }
        return resultOne(l, t, tat, now, allowed);
    }

    /**
     * How far a limit's TAT may run ahead of now for a request to conform: {@code (burst - 1) * interval}. A request
     * at {@code now} conforms to a limit with state {@code tat} if {@code max(tat, now) - now <= tolerance}.
     */
    public static long tolerance(RateLimit limit, long interval) {
        return (limit.burst() - 1) * interval;
    }

    /**
     * The answer for a policy of one limit, for limiters that decide on the TAT themselves (one compare-and-set
     * on one word, say). {@code tat} is the limit's state after the request: {@code max(old TAT, now) + interval}
     * if it was admitted, {@code max(old TAT, now)} if not.
     */
    public static RateLimitResult resultOne(RateLimit l, long interval, long tat, long now, boolean allowed) {
        long tolerance = tolerance(l, interval);
        long retry = allowed ? 0 : tat - now - tolerance;
        long remaining = remainingOne(l, interval, tat - now);
        return new RateLimitResult(allowed,
                List.of(new RateLimitResult.LimitState(l, remaining, Math.max(0, tat - now), !allowed)), retry);
    }

    /**
     * How many more requests limit {@code l} (of {@code interval}, see {@link #interval}) admits now, when its TAT
     * is {@code tatLessNow} nanoseconds after now: the {@code remaining} of {@link #resultOne}'s limit state.
     */
    public static long remainingOne(RateLimit l, long interval, long tatLessNow) {
        return Math.min(l.burst(), Math.max(0, (tolerance(l, interval) + interval - tatLessNow) / interval));
    }

    /**
     * The state of policy {@code to} for a bucket kept under policy {@code from}: the key's policy changed, or keys
     * of one lineage with different policies take turns on its bucket. The usage continues rather than starting
     * fresh, which would let two policies reset each other without end: each limit of {@code to} keeps the TAT of
     * the limit of {@code from} with the same period, or without one the latest TAT of any, so the bucket runs as
     * far ahead of now as it did. Whatever the policies, keys taking turns get no more than the most generous of
     * them allows.
     *
     * @param fromTats one TAT per limit of {@code from}; a state of another length starts fresh
     */
    public static long[] carryOver(RateLimitPolicy from, long[] fromTats, RateLimitPolicy to) {
        List<RateLimit> old = from.limits();
        List<RateLimit> next = to.limits();
        long[] out = new long[next.size()];
        if (fromTats.length != old.size()) {
            return out;
        }
        long latest = 0;
        for (long tat : fromTats) {
            latest = Math.max(latest, tat);
        }
        for (int j = 0; j < next.size(); j++) {
            out[j] = latest;
            for (int i = 0; i < old.size(); i++) {
                if (old.get(i).period().equals(next.get(j).period())) {
                    out[j] = fromTats[i];
                    break;
                }
            }
        }
        return out;
    }

    /** True if a request at {@code now} would conform to {@code limit} with state {@code tat}; changes nothing. */
    public static boolean wouldConform(RateLimit limit, long tat, long now) {
        long t = interval(limit);
        return Math.max(tat, now) - now <= tolerance(limit, t);
    }
}
