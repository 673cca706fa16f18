package dev.apikey.internal;

import dev.apikey.Cidr;
import dev.apikey.ClientThrottle;
import dev.apikey.spi.Gcra;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-address failure counting for {@link ClientThrottle}, with GCRA state and a bounded map: when it is
 * full, addresses whose state has drained are dropped first, then arbitrary ones (forgetting an attacker
 * only gives back its burst, while growing without bound would let one exhaust memory).
 */
public final class FailureThrottle {
    private final ClientThrottle config;
    private final ConcurrentHashMap<String, long[]> tats = new ConcurrentHashMap<>();

    /** A throttle with the given settings. */
    public FailureThrottle(ClientThrottle config) {
        this.config = config;
    }

    /**
     * If {@code address} is throttled at {@code now}, the nanoseconds until its next attempt is allowed;
     * otherwise 0. Changes nothing.
     */
    public long blockedFor(String address, long now) {
        if (!config.enabled() || address == null) {
            return 0;
        }
        long[] s = tats.get(address);
        if (s == null) {
            return 0;
        }
        long tat;
        synchronized (s) {
            tat = s[0];
        }
        if (Gcra.wouldConform(config.limit(), tat, now)) {
            return 0;
        }
        long t = Gcra.interval(config.limit());
        return Math.max(1, tat - now - (config.limit().burst() - 1) * t);
    }

    /** True if a failure of {@code address} would be counted at all (so the caller needs the time). */
    public boolean counts(String address) {
        return config.enabled() && address != null;
    }

    /** Counts one failed attempt from {@code address}. */
    public void recordFailure(String address, long now) {
        if (!config.enabled() || address == null || isExempt(address)) {
            return;
        }
        if (tats.size() >= config.maxTracked()) {
            evict(now);
        }
        long[] s = tats.computeIfAbsent(address, a -> new long[1]);
        long t = Gcra.interval(config.limit());
        long ceiling = now + config.limit().burst() * t;
        synchronized (s) {
            // Failures past the limit keep the client blocked, but only for one interval after the last of them,
            // so clients sharing the address get back in soon after an attacker stops.
            s[0] = Math.min(Math.max(s[0], now) + t, ceiling);
        }
    }

    private boolean isExempt(String address) {
        if (config.exempt().isEmpty()) {
            return false;
        }
        byte[] a = Cidr.literal(address);
        if (a == null) {
            return false;
        }
        for (Cidr c : config.exempt()) {
            if (c.contains(a)) {
                return true;
            }
        }
        return false;
    }

    private void evict(long now) {
        tats.values().removeIf(s -> {
            synchronized (s) {
                return s[0] <= now;
            }
        });
        Iterator<String> it = tats.keySet().iterator();
        while (tats.size() >= config.maxTracked() && it.hasNext()) {
            it.next();
            it.remove();
        }
    }
}
