package dev.apikey.internal;

import dev.apikey.Cidr;
import dev.apikey.ClientThrottle;
import dev.apikey.local.Gcra;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Failure counting for {@link ClientThrottle}: GCRA state per client bucket, consulted only when an attempt has
 * failed. {@link #recordFailure} counts the failure and says whether the client had already spent its allowance,
 * in which case the caller answers 429 instead of 401. Nothing here is asked about an attempt that succeeds, so
 * a key that verifies is never refused by this throttle, and a success does not clear a client's failures (an
 * attacker holding one valid key of its own could otherwise reset its record between guesses).
 *
 * <p>A bucket is an IPv4 address, or an IPv6 /64: one subscriber's network, inside which a single host can pick
 * from 2<sup>64</sup> addresses and would otherwise start afresh with each. IPv4-mapped IPv6 addresses count as
 * their IPv4 address; different spellings of one address share a bucket.
 *
 * <p>The map is bounded: when it is full, buckets whose state has drained are dropped first, then arbitrary ones
 * (forgetting an attacker only gives back its burst, while growing without bound would let one exhaust memory).
 * Drained buckets are also swept out at most every {@link #SWEEP_NANOS}, when a failure is counted: a drained
 * entry says nothing a missing one does not (the next failure starts from now either way).
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

    /** False if the throttle is off: then no failure is counted, and a caller need not work out its time or client. */
    public boolean enabled() {
        return config.enabled();
    }

    /**
     * Counts one failed attempt from {@code address} at {@code now}.
     *
     * @return 0 if the client's earlier failures left it within its allowance, so this attempt is answered as
     *         usual; otherwise the nanoseconds (at least 1) until a failing attempt of the client is answered as
     *         usual again, and this attempt gets 429
     */
    public long recordFailure(String address, long now) {
        if (!config.enabled() || address == null || isExempt(address)) {
            return 0;
        }
        String bucket = bucketOf(address);
        sweep(now);
        // Room is made only for a bucket not tracked yet: a full map must not forget a client's own record
        // (or another's) because that client failed again.
        if (tats.size() >= config.maxTracked() && !tats.containsKey(bucket)) {
            evict(now);
        }
        long t = Gcra.interval(config.limit());
        long tolerance = Gcra.tolerance(config.limit(), t);
        long ceiling = now + config.limit().burst() * t;
        while (true) {
            long[] s = tats.computeIfAbsent(bucket, a -> new long[2]);
            synchronized (s) {
                if (s[GONE] == 0) {
                    boolean blocked = s[TAT] - now > tolerance;
                    // Failures past the limit keep the client blocked, but only for one interval after the last of
                    // them, so clients sharing the bucket get their usual answers back soon after an attacker stops.
                    s[TAT] = Math.min(Math.max(s[TAT], now) + t, ceiling);
                    return blocked ? Math.max(1, s[TAT] - now - tolerance) : 0;
                }
            }
            // Forgotten between the lookup and the lock: its removal may still be on its way; finish it, start anew.
            tats.remove(bucket, s);
        }
    }

    /**
     * If a failing attempt of {@code address} at {@code now} would get 429, the nanoseconds until that is no
     * longer so; otherwise 0. Changes nothing (for tests).
     */
    long blockedFor(String address, long now) {
        long[] s = address == null ? null : tats.get(bucketOf(address));
        if (s == null) {
            return 0;
        }
        long tat;
        synchronized (s) {
            tat = s[TAT];
        }
        long tolerance = Gcra.tolerance(config.limit(), Gcra.interval(config.limit()));
        return tat - now > tolerance ? tat - now - tolerance : 0;
    }

    /**
     * The bucket {@code address} is counted in: an IPv4 address as it is, an IPv6 address as its /64 (e.g.
     * {@code 2001:db8:1:2::/64}), an IPv4-mapped IPv6 address as its IPv4 address. A value that is no address
     * literal is a bucket of its own.
     */
    static String bucketOf(String address) {
        if (address.indexOf(':') < 0 && isPlainDottedQuad(address)) {
            // What containers report: no parsing, no allocation.
            return address;
        }
        byte[] a = Cidr.literal(address);
        if (a == null) {
            return address;
        }
        if (a.length == 4) {
            return dotted(a, 0);
        }
        if (isV4Mapped(a)) {
            return dotted(a, 12);
        }
        StringBuilder b = new StringBuilder(24);
        for (int i = 0; i < 8; i += 2) {
            b.append(Integer.toHexString(((a[i] & 0xff) << 8) | (a[i + 1] & 0xff))).append(':');
        }
        return b.append(":/64").toString();
    }

    /** Four decimal octets of 0-255 without leading zeros: the one spelling of an IPv4 address. */
    private static boolean isPlainDottedQuad(String s) {
        int octets = 0;
        int i = 0;
        int n = s.length();
        while (i < n) {
            int start = i;
            int value = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return false;
            }
            octets++;
            if (i < n) {
                if (s.charAt(i) != '.' || octets == 4) {
                    return false;
                }
                i++;
                if (i == n) {
                    return false;
                }
            }
        }
        return octets == 4;
    }

    private static String dotted(byte[] a, int from) {
        return (a[from] & 0xff) + "." + (a[from + 1] & 0xff) + "." + (a[from + 2] & 0xff) + "." + (a[from + 3] & 0xff);
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    /** Sweeps drained entries out, at most every {@link #SWEEP_NANOS}. */
    private void sweep(long now) {
        long due = nextSweep.get();
        if (now - due >= 0 && nextSweep.compareAndSet(due, now + SWEEP_NANOS)) {
            tats.forEach((bucket, s) -> forget(bucket, s, now));
        }
    }

    /** Removes {@code bucket}'s entry if it has drained by {@code now}; a failure counted meanwhile keeps it. */
    private void forget(String bucket, long[] s, long now) {
        synchronized (s) {
            if (s[GONE] != 0 || s[TAT] > now) {
                return;
            }
            s[GONE] = 1;
        }
        tats.remove(bucket, s);
    }

    /** How many buckets are tracked (for tests). */
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
        tats.forEach((bucket, s) -> forget(bucket, s, now));
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
