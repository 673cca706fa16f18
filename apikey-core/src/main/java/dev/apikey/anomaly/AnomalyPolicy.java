package dev.apikey.anomaly;

import dev.apikey.InvalidConfigurationException;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What counts as unusual traffic on a key, per node, and what to do about it. Traffic is counted in fixed windows
 * (default one minute); each key's usual traffic is a moving average over its past windows. After a warm-up, a
 * window is an anomaly when:
 * <ul>
 *   <li>{@link Signal#TRAFFIC}: its requests exceed {@code trafficFactor} times the usual (default 10×) and at least
 *       {@code minRequests} (default 100), so a quiet key going from 1 to 5 is not an alarm;</li>
 *   <li>{@link Signal#NETWORKS}: it comes from more than {@code networksFactor} times the usual number of distinct
 *       networks (IPv4 /24, IPv6 /48; default 5×) and at least {@code minNetworks} (default 8).</li>
 * </ul>
 * Each anomaly is reported at most once per key and signal per {@code alertInterval} (default 15 minutes), as a
 * lifecycle event {@code anomaly} (and so as the {@code apikey.lifecycle{action=anomaly}} metric, and as a webhook).
 * For the signals in {@code suspendOn} (none by default) the key is then suspended. Only allowed requests count.
 * Immutable; {@link #ofDefaults()} or {@link #custom()}.
 */
public final class AnomalyPolicy {
    /** The signals. */
    public enum Signal {
        /** Far more requests than the key's usual. */
        TRAFFIC,
        /** Requests from far more networks than the key's usual. */
        NETWORKS
    }

    private final Duration window;
    private final double trafficFactor;
    private final long minRequests;
    private final double networksFactor;
    private final int minNetworks;
    private final int warmupWindows;
    private final Duration alertInterval;
    private final int maxKeys;
    private final Set<Signal> suspendOn;

    private AnomalyPolicy(Builder b) {
        this.window = b.window;
        this.trafficFactor = b.trafficFactor;
        this.minRequests = b.minRequests;
        this.networksFactor = b.networksFactor;
        this.minNetworks = b.minNetworks;
        this.warmupWindows = b.warmupWindows;
        this.alertInterval = b.alertInterval;
        this.maxKeys = b.maxKeys;
        this.suspendOn = Set.copyOf(b.suspendOn);
    }

    /** The defaults: report, never suspend. */
    public static AnomalyPolicy ofDefaults() {
        return custom().build();
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** The counting window. */
    public Duration window() {
        return window;
    }

    /** How many times the usual traffic is an anomaly. */
    public double trafficFactor() {
        return trafficFactor;
    }

    /** The fewest requests in a window that can be an anomaly. */
    public long minRequests() {
        return minRequests;
    }

    /** How many times the usual number of networks is an anomaly. */
    public double networksFactor() {
        return networksFactor;
    }

    /** The fewest networks in a window that can be an anomaly. */
    public int minNetworks() {
        return minNetworks;
    }

    /** Windows of a key seen before it can be flagged. */
    public int warmupWindows() {
        return warmupWindows;
    }

    /** The least time between two reports of one key and signal. */
    public Duration alertInterval() {
        return alertInterval;
    }

    /** The signals that suspend the key. */
    public Set<Signal> suspendOn() {
        return suspendOn;
    }

    /** How many keys the state is kept for, at most. */
    public int maxKeys() {
        return maxKeys;
    }

    /** Builder for {@link AnomalyPolicy}; each setter checks its value. */
    public static final class Builder {
        private Duration window = Duration.ofMinutes(1);
        private double trafficFactor = 10;
        private long minRequests = 100;
        private double networksFactor = 5;
        private int minNetworks = 8;
        private int warmupWindows = 5;
        private Duration alertInterval = Duration.ofMinutes(15);
        private int maxKeys = 100_000;
        private final Set<Signal> suspendOn = EnumSet.noneOf(Signal.class);

        private Builder() {
        }

        /** The counting window, 1 second to 1 hour (default 1 minute). */
        public Builder window(Duration window) {
            if (window == null || window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofHours(1)) > 0) {
                throw new InvalidConfigurationException("the anomaly window must be 1s to 1h, got " + window);
            }
            this.window = window;
            return this;
        }

        /** The traffic signal: more than {@code factor} (above 1) times the usual, and at least {@code minRequests}. */
        public Builder traffic(double factor, long minRequests) {
            if (!(factor > 1) || minRequests < 1) {
                throw new InvalidConfigurationException("traffic factor must be above 1 and minRequests at least 1");
            }
            this.trafficFactor = factor;
            this.minRequests = minRequests;
            return this;
        }

        /** The networks signal: more than {@code factor} (above 1) times the usual, and at least {@code min} (2-100). */
        public Builder networks(double factor, int min) {
            if (!(factor > 1) || min < 2 || min > 100) {
                throw new InvalidConfigurationException("networks factor must be above 1 and min 2 to 100");
            }
            this.networksFactor = factor;
            this.minNetworks = min;
            return this;
        }

        /** Windows of a key seen before it can be flagged, 1 to 1000 (default 5). */
        public Builder warmupWindows(int windows) {
            if (windows < 1 || windows > 1000) {
                throw new InvalidConfigurationException("warmupWindows must be 1 to 1000, got " + windows);
            }
            this.warmupWindows = windows;
            return this;
        }

        /** The least time between two reports of one key and signal (default 15 minutes). */
        public Builder alertInterval(Duration interval) {
            if (interval == null || interval.isNegative()) {
                throw new InvalidConfigurationException("alertInterval must be zero or positive, got " + interval);
            }
            this.alertInterval = interval;
            return this;
        }

        /** How many keys are watched at most (default 100,000); past it some are forgotten and warm up again. */
        public Builder maxKeys(int keys) {
            if (keys < 1 || keys > 10_000_000) {
                throw new InvalidConfigurationException("maxKeys must be 1 to 10000000, got " + keys);
            }
            this.maxKeys = keys;
            return this;
        }

        /** Suspend the key when these signals fire (opt-in). */
        public Builder suspendOn(Signal... signals) {
            suspendOn.clear();
            for (Signal s : signals) {
                suspendOn.add(Objects.requireNonNull(s, "signal"));
            }
            return this;
        }

        /** The policy. */
        public AnomalyPolicy build() {
            return new AnomalyPolicy(this);
        }
    }
}
