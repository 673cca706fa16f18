package dev.apikey;

import java.util.List;

/**
 * Throttling of clients that fail authentication: failed attempts are counted per client address with
 * {@link #limit()} (default {@code 100/1h burst 20}); once it is spent, well-formed keys from that address
 * get 429 {@code too-many-failures} without hashing or a store lookup, until the limit replenishes.
 * Successful requests never count. Addresses in {@link #exempt()} are never throttled.
 *
 * <p>How a legitimate key holder behind the same address recovers: wait for {@code Retry-After} (one
 * failure drains every {@code period/N}, 36 s with the defaults); or the operator configures trusted
 * proxies so that clients behind a proxy are told apart, exempts the network, or raises the limit.
 *
 * @param enabled    false turns throttling off
 * @param limit      failed attempts allowed per address
 * @param maxTracked most addresses tracked at once; beyond it the oldest-idle are forgotten
 * @param exempt     networks never throttled
 */
public record ClientThrottle(boolean enabled, RateLimit limit, int maxTracked, List<Cidr> exempt) {
    /** Validates and copies. */
    public ClientThrottle {
        java.util.Objects.requireNonNull(limit, "limit");
        if (maxTracked < 1) {
            throw new InvalidConfigurationException("maxTracked must be >= 1, got " + maxTracked);
        }
        exempt = exempt == null ? List.of() : List.copyOf(exempt);
    }

    /** The defaults: enabled, {@code 100/1h burst 20}, 100,000 addresses, nothing exempt. */
    public static ClientThrottle ofDefaults() {
        return new ClientThrottle(true, RateLimit.parse("100/1h burst 20"), 100_000, List.of());
    }

    /** Throttling off. */
    public static ClientThrottle disabled() {
        return new ClientThrottle(false, RateLimit.parse("100/1h burst 20"), 1, List.of());
    }
}
