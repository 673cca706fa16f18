package dev.apikey.spi;

import dev.apikey.KeyRecord;

/**
 * Which records {@link KeyStore#list} returns: all, one owner's, or one tenant's.
 *
 * @param owner  only records of this owner, or {@code null}
 * @param tenant only records of this tenant, or {@code null}
 */
public record KeyQuery(String owner, String tenant) {
    private static final KeyQuery ALL = new KeyQuery(null, null);

    /** Every record. */
    public static KeyQuery all() {
        return ALL;
    }

    /** Records of one owner. */
    public static KeyQuery byOwner(String owner) {
        return new KeyQuery(java.util.Objects.requireNonNull(owner, "owner"), null);
    }

    /** Records of one tenant. */
    public static KeyQuery byTenant(String tenant) {
        return new KeyQuery(null, java.util.Objects.requireNonNull(tenant, "tenant"));
    }

    /** True if {@code r} matches this query. */
    public boolean matches(KeyRecord r) {
        return (owner == null || owner.equals(r.owner())) && (tenant == null || tenant.equals(r.tenant()));
    }
}
