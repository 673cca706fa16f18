package dev.apikey.internal;

import dev.apikey.KeyRecord;
import dev.apikey.Per;
import dev.apikey.Quota;

import java.time.Instant;

/**
 * Where a key's usage is counted: the one place that names the rate-limit bucket and the quota and credit
 * counters of a record. Usage belongs to the key's lineage (the first key of its rotation chain), so a rotation
 * successor continues its predecessor's buckets and counters instead of starting fresh, and during a grace
 * period the two keys together get what one key would. A limit counted {@linkplain Per per owner or per tenant}
 * uses the owner's or the tenant's bucket instead, named so that it can never be a key's (key ids start with
 * {@code key_}), nor another environment's, tenant's or owner's: the tenant's length comes before it, so no choice
 * of names makes two owners' buckets meet.
 */
public final class UsageIds {
    private UsageIds() {
    }

    /** The rate-limit bucket of {@code r}'s own limits. */
    public static String bucket(KeyRecord r) {
        return r.lineage();
    }

    /**
     * The bucket of {@code r}'s limits counted per {@code per}: {@code r}'s own for {@link Per#KEY},
     * {@code owner:ENV:TENANT_LENGTH:TENANT:OWNER} ({@code -} for no tenant) or {@code tenant:ENV:TENANT}.
     *
     * @throws IllegalStateException for a per-tenant limit on a key without a tenant, which a record never holds
     */
    public static String bucket(KeyRecord r, Per per) {
        String env = r.environment().token();
        String tenant = r.tenant();
        return switch (per) {
            case KEY -> r.lineage();
            case OWNER -> "owner:" + env + ":" + (tenant == null ? "-" : tenant.length() + ":" + tenant) + ":" + r.owner();
            case TENANT -> {
                if (tenant == null) {
                    throw new IllegalStateException("a per-tenant limit on key " + r.id() + ", which has no tenant");
                }
                yield "tenant:" + env + ":" + tenant;
            }
        };
    }

    /** The quota counter of {@code r} for the calendar period that starts at {@code periodStart}. */
    public static String quotaCounter(KeyRecord r, Quota quota, Instant periodStart) {
        return bucket(r, quota.per()) + ":q:" + periodStart.getEpochSecond();
    }

    /** The credit counter of {@code r}: one total for the whole lineage, or for its owner or tenant. */
    public static String creditCounter(KeyRecord r) {
        return bucket(r, r.creditsPer()) + ":c";
    }

    /**
     * When the credit counter of {@code r} may be forgotten, or {@code null} for never. Each increment sets the
     * counter's expiry, and the keys of a lineage share it: a predecessor in its grace period expires long before
     * its successor, so it must not shorten the counter's life to its own. It asks for no expiry; the newest key
     * asks for its own, which is the lineage's last.
     */
    public static Instant creditsForgetAt(KeyRecord r) {
        // A shared balance outlives each of the keys that spend it.
        return r.replacedBy() == null && r.creditsPer() == Per.KEY ? r.expires() : null;
    }
}
