package dev.apikey.internal;

import dev.apikey.Cidr;
import dev.apikey.anomaly.AnomalyPolicy;
import dev.apikey.anomaly.AnomalyPolicy.Signal;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-node state of the anomaly signals ({@link AnomalyPolicy}): for each watched key one small object, about
 * {@value #BYTES_PER_KEY} bytes with its map entry (two window counters, a 64-bit sketch of the networks seen, two
 * moving averages, three times, the last client), so at most {@code maxKeys} × that: 13 MB at the default 100,000 keys. The distinct
 * networks of a window are estimated by linear counting over 64 bits (exact enough up to about 100 networks, which
 * is beyond any useful threshold). When more keys than {@code maxKeys} are watched, some are forgotten (they start
 * their warm-up again). Thread-safe; a key's state is updated under its own lock.
 */
public final class AnomalyDetector {
    /**
     * Heap per watched key, computed from the field sizes with compressed references: the state 88 bytes, its map
     * node 32, about 8 of table; the id string is the record's own, and the last client's address string is shared
     * with the request that brought it (at most about 56 bytes more while it is kept).
     */
    public static final int BYTES_PER_KEY = 128;
    /** Weight of the newest window in the moving averages. */
    private static final double ALPHA = 0.2;

    private final AnomalyPolicy policy;
    private final long windowNanos;
    private final long alertNanos;
    private final ConcurrentHashMap<String, State> keys = new ConcurrentHashMap<>();

    /** One anomaly: the signal and a {@code name=value} detail without the client's address. */
    public record Alert(Signal signal, String detail) {
    }

    private static final class State {
        long windowStart;
        int requests;
        long networks;
        double usualRequests;
        double usualNetworks;
        int windows;
        long lastTraffic = Long.MIN_VALUE / 2;
        long lastNetworks = Long.MIN_VALUE / 2;
        /** The last client and its network's bit: most requests of a key come from the client before. */
        String lastClient;
        long lastBit;

        State(long now) {
            windowStart = now;
        }
    }

    /** A detector for {@code policy}. */
    public AnomalyDetector(AnomalyPolicy policy) {
        this.policy = policy;
        this.windowNanos = policy.window().toNanos();
        this.alertNanos = policy.alertInterval().toNanos();
    }

    /** How many keys are watched now. */
    public int watched() {
        return keys.size();
    }

    /**
     * Counts one allowed request of {@code keyId} from {@code client} (an address, or null when unknown) at
     * {@code nowNanos}; returns an anomaly to report, or null.
     */
    public Alert observe(String keyId, String client, long nowNanos) {
        State s = keys.get(keyId);
        if (s == null) {
            if (keys.size() >= policy.maxKeys()) {
                forgetSome();
            }
            s = keys.computeIfAbsent(keyId, k -> new State(nowNanos));
        }
        synchronized (s) {
            roll(s, nowNanos);
            s.requests++;
            boolean newNetwork = false;
            if (client != null) {
                if (!client.equals(s.lastClient)) {
                    s.lastClient = client;
                    s.lastBit = 1L << (network(client) & 63);
                }
                newNetwork = (s.networks & s.lastBit) == 0;
                s.networks |= s.lastBit;
            }
            if (s.windows < policy.warmupWindows()) {
                return null;
            }
            if (s.requests >= policy.minRequests() && s.requests > policy.trafficFactor() * s.usualRequests
                    && nowNanos - s.lastTraffic >= alertNanos) {
                s.lastTraffic = nowNanos;
                return new Alert(Signal.TRAFFIC, "signal=traffic requests=" + s.requests + " usual="
                        + Math.round(s.usualRequests) + " window=" + policy.window());
            }
            // The count of networks only grows when a new one shows up: only then can it newly cross the threshold.
            if (!newNetwork) {
                return null;
            }
            double distinct = distinct(s.networks);
            if (distinct >= policy.minNetworks() && distinct > policy.networksFactor() * s.usualNetworks
                    && nowNanos - s.lastNetworks >= alertNanos) {
                s.lastNetworks = nowNanos;
                return new Alert(Signal.NETWORKS, "signal=networks networks=" + Math.round(distinct) + " usual="
                        + Math.round(s.usualNetworks) + " window=" + policy.window());
            }
            return null;
        }
    }

    /** Closes the windows that ended before {@code now}: each folds into the averages (an empty one as zero). */
    private void roll(State s, long now) {
        long passed = (now - s.windowStart) / windowNanos;
        if (passed <= 0) {
            return;
        }
        fold(s, s.requests, distinct(s.networks));
        for (long i = 1; i < Math.min(passed, 50); i++) {
            fold(s, 0, 0);
        }
        s.windowStart += passed * windowNanos;
        s.requests = 0;
        s.networks = 0;
    }

    private static void fold(State s, double requests, double networks) {
        if (s.windows == 0) {
            s.usualRequests = requests;
            s.usualNetworks = networks;
        } else {
            s.usualRequests += ALPHA * (requests - s.usualRequests);
            s.usualNetworks += ALPHA * (networks - s.usualNetworks);
        }
        s.windows++;
    }

    /** Linear counting over 64 bits. */
    static double distinct(long bits) {
        int zeros = 64 - Long.bitCount(bits);
        return zeros == 0 ? 64 * Math.log(64) : -64 * Math.log(zeros / 64.0);
    }

    /** A hash of the client's network: IPv4 /24, IPv6 /48; an address that is not a literal counts as itself. */
    static int network(String client) {
        byte[] a = Cidr.literal(client);
        if (a == null) {
            return mix(client.hashCode());
        }
        int bytes = a.length == 4 ? 3 : 6;
        int h = a.length;
        for (int i = 0; i < bytes; i++) {
            h = h * 31 + a[i];
        }
        return mix(h);
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }

    /** Forgets about a tenth of the watched keys (those the map yields first: no order is kept, to stay cheap). */
    private void forgetSome() {
        int drop = Math.max(1, policy.maxKeys() / 10);
        Iterator<String> it = keys.keySet().iterator();
        while (drop-- > 0 && it.hasNext()) {
            it.next();
            it.remove();
        }
    }
}
