package dev.apikey.internal;

import dev.apikey.KeyRecord;

import java.time.Instant;

/**
 * Where a key's usage is counted: the one place that names the rate-limit bucket and the quota and credit
 * counters of a record. Usage belongs to the key's lineage (the first key of its rotation chain), so a rotation
 * successor continues its predecessor's buckets and counters instead of starting fresh, and during a grace
 * period the two keys together get what one key would. A policy that counts per owner or per tenant would
 * choose its id here.
 */
public final class UsageIds {
    private UsageIds() {
    }

    /** The rate-limit bucket of {@code r}. */
    public static String bucket(KeyRecord r) {
        return r.lineage();
    }

    /** The quota counter of {@code r} for the calendar period that starts at {@code periodStart}. */
    public static String quotaCounter(KeyRecord r, Instant periodStart) {
        return bucket(r) + ":q:" + periodStart.getEpochSecond();
    }

    /** The credit counter of {@code r}: one total for the whole lineage. */
    public static String creditCounter(KeyRecord r) {
        return bucket(r) + ":c";
    }

    /**
     * When the credit counter of {@code r} may be forgotten, or {@code null} for never. Each increment sets the
     * counter's expiry, and the keys of a lineage share it: a predecessor in its grace period expires long before
     * its successor, so it must not shorten the counter's life to its own. It asks for no expiry; the newest key
     * asks for its own, which is the lineage's last.
     */
    public static Instant creditsForgetAt(KeyRecord r) {
        return r.replacedBy() == null ? r.expires() : null;
    }
}
