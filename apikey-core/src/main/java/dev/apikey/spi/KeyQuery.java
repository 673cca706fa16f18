package dev.apikey.spi;

import dev.apikey.KeyRecord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Which records {@link KeyStore#list} returns: all, one owner's, or one tenant's, optionally one page of them.
 * Records come in id order; a page holds at most {@link #limit()} records whose id comes after {@link #after()}.
 * To walk every match, ask for the next page {@linkplain #after(String) after} the last id of the previous one
 * until a page comes back shorter than the limit. Each match is then listed exactly once, even while records are
 * added or changed between pages (ids never change and records are never deleted).
 *
 * @param owner  only records of this owner, or {@code null}
 * @param tenant only records of this tenant, or {@code null}
 * @param after  only records whose id comes after this one (the last id of the previous page), or {@code null}
 * @param limit  at most this many records, between 1 and {@link #MAX_LIMIT}; {@link #NO_LIMIT} for all
 */
public record KeyQuery(String owner, String tenant, String after, int limit) {
    /** The largest page a store must serve; a larger limit is refused. */
    public static final int MAX_LIMIT = 10_000;
    /** The limit of a query that is not paged: every match. */
    public static final int NO_LIMIT = 0;
    private static final KeyQuery ALL = new KeyQuery(null, null);

    /**
     * Validates the limit.
     *
     * @throws IllegalArgumentException if {@code limit} is negative or above {@link #MAX_LIMIT}
     */
    public KeyQuery {
        if (limit < 0 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("a page holds between 1 and " + MAX_LIMIT
                    + " records (or " + NO_LIMIT + " for no limit), got " + limit);
        }
    }

    /** Every record of {@code owner} and {@code tenant} (either may be null for any), not paged. */
    public KeyQuery(String owner, String tenant) {
        this(owner, tenant, null, NO_LIMIT);
    }

    /** Every record. */
    public static KeyQuery all() {
        return ALL;
    }

    /** Records of one owner. */
    public static KeyQuery byOwner(String owner) {
        return new KeyQuery(Objects.requireNonNull(owner, "owner"), null);
    }

    /** Records of one tenant. */
    public static KeyQuery byTenant(String tenant) {
        return new KeyQuery(null, Objects.requireNonNull(tenant, "tenant"));
    }

    /** This query limited to {@code limit} records per page. */
    public KeyQuery limit(int limit) {
        return new KeyQuery(owner, tenant, after, limit);
    }

    /** This query starting after the record with id {@code id} ({@code null}: from the first). */
    public KeyQuery after(String id) {
        return new KeyQuery(owner, tenant, id, limit);
    }

    /** True if this query asks for one page rather than every match. */
    public boolean isPaged() {
        return limit != NO_LIMIT;
    }

    /** True if {@code r} matches this query's owner and tenant (the page bounds are not checked). */
    public boolean matches(KeyRecord r) {
        return (owner == null || owner.equals(r.owner())) && (tenant == null || tenant.equals(r.tenant()));
    }

    /**
     * The page of {@code records} this query asks for: those that match, after {@link #after()}, in id order, at most
     * {@link #limit()}. For stores that hold their records in memory.
     */
    public List<KeyRecord> page(Collection<KeyRecord> records) {
        List<KeyRecord> out = new ArrayList<>();
        for (KeyRecord r : records) {
            if (matches(r) && (after == null || r.id().compareTo(after) > 0)) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparing(KeyRecord::id));
        return isPaged() && out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }
}
