package dev.apikey;

import java.util.ArrayList;
import java.util.List;

/**
 * The limits that apply to one key; a request must pass all of them. Text form: limits separated by
 * {@code ,} or {@code ;}, e.g. {@code 100/1s burst 20, 10000/1d}.
 *
 * @param limits one or more limits with distinct names
 */
public record RateLimitPolicy(List<RateLimit> limits) {
    /** Validates and copies the list. */
    public RateLimitPolicy {
        if (limits == null || limits.isEmpty()) {
            throw new InvalidConfigurationException("a rate-limit policy needs at least one limit");
        }
        limits = List.copyOf(limits);
        if (limits.size() > 8) {
            throw new InvalidConfigurationException("a rate-limit policy holds at most 8 limits, got " + limits.size());
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (RateLimit l : limits) {
            if (!names.add(l.name())) {
                throw new InvalidConfigurationException("rate limit " + l.name() + " is listed twice");
            }
        }
    }

    /** True if some limit is counted per owner or per tenant rather than per key. */
    public boolean isShared() {
        // By index: asked on every request, where an iterator is an allocation.
        for (int i = 0; i < limits.size(); i++) {
            if (limits.get(i).per() != Per.KEY) {
                return true;
            }
        }
        return false;
    }

    /** True if some limit is counted per {@code per}. */
    public boolean counts(Per per) {
        for (RateLimit l : limits) {
            if (l.per() == per) {
                return true;
            }
        }
        return false;
    }

    /** The limits counted per {@code per}, as a policy of their own, or {@code null} if there are none. */
    public RateLimitPolicy only(Per per) {
        List<RateLimit> out = new ArrayList<>(limits.size());
        for (RateLimit l : limits) {
            if (l.per() == per) {
                out.add(l);
            }
        }
        return out.isEmpty() ? null : out.size() == limits.size() ? this : new RateLimitPolicy(out);
    }

    /** A policy of the given limits. */
    public static RateLimitPolicy of(RateLimit... limits) {
        return new RateLimitPolicy(List.of(limits));
    }

    /**
     * Parses limits separated by {@code ,} or {@code ;}.
     *
     * @throws InvalidConfigurationException naming the bad limit
     */
    public static RateLimitPolicy parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidConfigurationException(
                    "rate-limit policy is empty; expected e.g. '100/1s burst 20, 10000/1d'");
        }
        List<RateLimit> out = new ArrayList<>();
        for (String part : text.split("[,;]")) {
            out.add(RateLimit.parse(part));
        }
        return new RateLimitPolicy(out);
    }

    /** The text form, which {@link #parse} reads back. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (RateLimit l : limits) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(l);
        }
        return b.toString();
    }
}
