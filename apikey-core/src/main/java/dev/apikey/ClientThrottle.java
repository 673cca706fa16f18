package dev.apikey;

import java.util.List;

/**
 * Throttling of clients that fail authentication: failed attempts are counted per client (an IPv4 address, or
 * an IPv6 /64) with {@link #limit()} (default {@code 100/1h burst 20}); once it is spent, that client's failing
 * attempts get 429 {@code too-many-failures} instead of 401, until the limit replenishes. Addresses in
 * {@link #exempt()} are never throttled.
 *
 * <p>Only failing attempts are refused: a credential that verifies is never refused by this throttle, so an
 * attacker sharing an address with legitimate clients (a NAT, a proxy) cannot lock them out. That is why a
 * throttled client's well-formed key is still looked up (one lookup by digest); only if it fails is the answer
 * 429. This gives the attacker nothing it did not have: the answers it can tell apart are still "valid" and
 * "not valid", and guessing a key of about 190 random bits is hopeless at any rate. It costs a lookup per
 * well-formed attempt, as below the threshold; capping an address's request rate as such is the job of the proxy
 * in front. A malformed key fails the format check and is refused without a lookup, throttled or not. Successes do not clear a client's failures
 * (an attacker holding a valid key of its own could otherwise reset its count between guesses). What the
 * throttle is for: telling a failing client to back off ({@code Retry-After}), and marking it in the audit log
 * ({@code CLIENT_THROTTLED}).
 *
 * <p>A legitimate client whose failing attempts are throttled (a misconfigured one behind the same address)
 * recovers by waiting for {@code Retry-After} (one failure drains every {@code period/N}, 36 s with the
 * defaults); or the operator configures trusted proxies so that clients behind a proxy are told apart, exempts
 * the network, or raises the limit.
 *
 * @param enabled    false turns throttling off
 * @param limit      failed attempts allowed per client
 * @param maxTracked most clients tracked at once; beyond it drained ones are forgotten first, then arbitrary ones
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
