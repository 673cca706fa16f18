package dev.apikey;

import java.util.Locale;

/**
 * Whose requests a rate limit or quota counts: each key's own ({@link #KEY}, the default), or every key of the same
 * owner ({@link #OWNER}) or tenant ({@link #TENANT}) together, so a client cannot multiply its budget by asking for
 * more keys. Text form: {@code per key}, {@code per owner}, {@code per tenant} after the limit, e.g.
 * {@code 100/1s per owner} or {@code 100000/month per tenant}.
 *
 * <p>Shared budgets stay within one environment: test keys never spend what live keys of the same owner may. Owners
 * are counted within their tenant, so two tenants' owners of the same name never share. A key whose limit is
 * {@code per tenant} must have a tenant (checked when the record is built).
 */
public enum Per {
    /** The key alone (with the keys it replaced by rotation). */
    KEY,
    /** Every key of the key's owner, within its tenant and environment. */
    OWNER,
    /** Every key of the key's tenant, within its environment. */
    TENANT;

    /** The word of the text form: {@code key}, {@code owner} or {@code tenant}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The value whose {@link #word()} is {@code word}.
     *
     * @throws InvalidConfigurationException for anything but {@code key}, {@code owner} or {@code tenant}
     */
    public static Per parse(String word) {
        Per p = of(word);
        if (p == null) {
            throw new InvalidConfigurationException("expected key, owner or tenant, got '" + Text.safe(word) + "'");
        }
        return p;
    }

    /** The value whose {@link #word()} is {@code word}, or {@code null} if none is. */
    static Per of(String word) {
        for (Per p : values()) {
            if (p.word().equals(word)) {
                return p;
            }
        }
        return null;
    }
}
