package dev.apikey.internal;

import dev.apikey.Cidr;
import dev.apikey.ClientThrottle;
import dev.apikey.spi.Gcra;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-address failure counting for {@link ClientThrottle}, with GCRA state and a bounded map: when it is
 * full, addresses whose state has drained are dropped first, then arbitrary ones (forgetting an attacker
 * only gives back its burst, while growing without bound would let one exhaust memory).
 *
 * <p>An address whose state has drained is forgotten when it is next asked about, and by a sweep at most every
 * {@link #SWEEP_NANOS}: a drained entry says nothing a missing one does not (the next failure starts from now
 * either way), and an empty map lets {@link #tracksAnyone} spare the caller the client's address.
 */
public final class FailureThrottle {
    /** The shortest time between two sweeps of drained entries. */
    public static final long SWEEP_NANOS = 10_000_000_000L;
    /** Entry layout: {@code [TAT]} the GCRA theoretical arrival time; {@code [GONE]} 1 once removed from the map. */
    private static final int TAT = 0;
    private static final int GONE = 1;

    private final ClientThrottle config;
    private final ConcurrentHashMap<String, long[]> tats = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep = new AtomicLong();

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
            tat = s[TAT];
        }
        if (tat <= now) {
            forget(address, s, now);
            return 0;
        }
        if (Gcra.wouldConform(config.limit(), tat, now)) {
            return 0;
        }
        long t = Gcra.interval(config.limit());
        return Math.max(1, tat - now - Gcra.tolerance(config.limit(), t));
    }

    /**
     * False when no address has failures on record that have not drained by {@code now} (give or take one
     * sweep), so that no address is blocked and the caller need not work out the client's address to ask
     * {@link #blockedFor}. Sweeps drained entries out at most every {@link #SWEEP_NANOS}.
     */
    public boolean tracksAnyone(long now) {
        if (!config.enabled() || tats.isEmpty()) {
            return false;
        }
        long due = nextSweep.get();
        if (now - due >= 0 && nextSweep.compareAndSet(due, now + SWEEP_NANOS)) {
            tats.forEach((address, s) -> forget(address, s, now));
        }
        return !tats.isEmpty();
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
        // Room is made only for an address not tracked yet: a full map must not forget a client's own record
        // (or another's) because that client failed again.
        if (tats.size() >= config.maxTracked() && !tats.containsKey(address)) {
            evict(now);
        }
        long t = Gcra.interval(config.limit());
        long ceiling = now + config.limit().burst() * t;
        while (true) {
            long[] s = tats.computeIfAbsent(address, a -> new long[2]);
            synchronized (s) {
                if (s[GONE] == 0) {
                    // Failures past the limit keep the client blocked, but only for one interval after the last of
                    // them, so clients sharing the address get back in soon after an attacker stops.
                    s[TAT] = Math.min(Math.max(s[TAT], now) + t, ceiling);
                    return;
                }
            }
            // Forgotten between the lookup and the lock: its removal may still be on its way; finish it, start anew.
            tats.remove(address, s);
        }
    }

    /** Removes {@code address}'s entry if it has drained by {@code now}; a failure counted meanwhile keeps it. */
    private void forget(String address, long[] s, long now) {
        synchronized (s) {
            if (s[GONE] != 0 || s[TAT] > now) {
                return;
            }
            s[GONE] = 1;
        }
        tats.remove(address, s);
    }

    /** How many addresses are tracked (for tests). */
    int tracked() {
        return tats.size();
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
        tats.forEach((address, s) -> forget(address, s, now));
        Iterator<Map.Entry<String, long[]>> it = tats.entrySet().iterator();
        while (tats.size() >= config.maxTracked() && it.hasNext()) {
            Map.Entry<String, long[]> e = it.next();
            long[] s = e.getValue();
            synchronized (s) {
                s[GONE] = 1;
            }
            // By key and entry: a fresh entry a failure put there meanwhile stays.
            tats.remove(e.getKey(), s);
        }
    }
}
