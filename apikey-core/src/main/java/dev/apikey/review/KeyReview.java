package dev.apikey.review;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyRecord;
import dev.apikey.Scope;
import dev.apikey.spi.KeyQuery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The periodic key review: for every live key (active or suspended, not expired), who owns it, what it is for, what
 * it can reach, when it was last used and whether it should still exist. The CLI ({@code apikey review}) and the
 * admin API ({@code GET /admin/keys/review}) both run it. Records are read one {@link KeyQuery} page at a time from
 * a source such as {@code KeyManager::list} (which keeps a tenant-bound admin to its tenant), never all at once.
 * Immutable and thread-safe; time comes from the clock only.
 *
 * <pre>{@code
 * KeyReview review = KeyReview.custom().unusedDays(60).clock(manager.clock()).build();
 * List<KeyFindings> flagged = new ArrayList<>();
 * review.walk(manager::list, KeyQuery.all(), flagged::add);   // or hand each one to a logger, a ticket, a mail
 * }</pre>
 */
public final class KeyReview {
    /** Days without a use after which a key is reported as unused (or never used), by default. */
    public static final int DEFAULT_UNUSED_DAYS = 90;
    /** Days before its expiry from which a key is reported as expiring, by default. */
    public static final int DEFAULT_EXPIRING_DAYS = 30;
    /** Owners that name nobody, reported as {@link Finding#NO_OWNER} by default (compared ignoring case). */
    public static final Set<String> DEFAULT_PLACEHOLDER_OWNERS = Set.of("unknown", "none", "nobody", "n/a", "-", "tbd",
            "todo", "unassigned");
    /** Records read per page by {@link #walk}. */
    public static final int PAGE_SIZE = 500;
    private static final int MAX_DAYS = 36_500;

    private final int unusedDays;
    private final int expiringDays;
    private final Set<String> placeholderOwners;
    private final Clock clock;

    private KeyReview(Builder b) {
        this.unusedDays = b.unusedDays;
        this.expiringDays = b.expiringDays;
        this.placeholderOwners = Set.copyOf(b.placeholderOwners);
        this.clock = b.clock;
    }

    /** A review with the default periods and the system clock. */
    public static KeyReview ofDefaults() {
        return custom().build();
    }

    /** A builder with the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** The unused period, in days. */
    public int unusedDays() {
        return unusedDays;
    }

    /** The expiring period, in days. */
    public int expiringDays() {
        return expiringDays;
    }

    /** The clock's current instant: what a review that starts now compares against. */
    public Instant now() {
        return clock.instant();
    }

    /** One page of a review: the keys with findings, how many records were read, and the cursor of the next page. */
    public record Page(List<KeyFindings> keys, int reviewed, String next) {
        /** Copies the list. */
        public Page {
            keys = List.copyOf(keys);
        }
    }

    /** What a whole {@link #walk} saw: records read, keys with findings, and how many keys had each finding. */
    public record Summary(Instant at, int reviewed, int flagged, Map<Finding, Integer> counts) {
        /** Copies the counts. */
        public Summary {
            counts = Map.copyOf(counts);
        }
    }

    /**
     * Reviews every record {@code source} returns for {@code query}, page after page of {@link #PAGE_SIZE}, and hands
     * each key with findings to {@code sink} as it goes, so memory stays bounded by one page.
     */
    public Summary walk(Function<KeyQuery, List<KeyRecord>> source, KeyQuery query, Consumer<KeyFindings> sink) {
        Instant now = now();
        Map<Finding, Integer> counts = new EnumMap<>(Finding.class);
        int reviewed = 0;
        int flagged = 0;
        KeyQuery q = query.after(null).limit(PAGE_SIZE);
        while (q != null) {
            Page page = page(source, q, now);
            reviewed += page.reviewed();
            for (KeyFindings f : page.keys()) {
                flagged++;
                f.findings().keySet().forEach(k -> counts.merge(k, 1, Integer::sum));
                sink.accept(f);
            }
            q = page.next() == null ? null : q.after(page.next());
        }
        return new Summary(now, reviewed, flagged, counts);
    }

    /**
     * Reviews one page: the records {@code source} returns for {@code query}, which must be {@linkplain
     * KeyQuery#isPaged() paged}. {@link Page#next()} is the {@code after} of the following page, or {@code null}
     * when this page came back short (the last one).
     */
    public Page page(Function<KeyQuery, List<KeyRecord>> source, KeyQuery query, Instant now) {
        if (!query.isPaged()) {
            throw new IllegalArgumentException("a review page needs a paged query");
        }
        List<KeyRecord> records = source.apply(query);
        List<KeyFindings> out = new ArrayList<>();
        for (KeyRecord r : records) {
            KeyFindings f = check(r, now);
            if (!f.findings().isEmpty()) {
                out.add(f);
            }
        }
        String next = records.size() < query.limit() ? null : records.get(records.size() - 1).id();
        return new Page(out, records.size(), next);
    }

    /** The findings about {@code r} at {@code now}; none for a revoked or expired key, which can do nothing. */
    public KeyFindings check(KeyRecord r, Instant now) {
        Map<Finding, String> found = new EnumMap<>(Finding.class);
        KeyRecord.Usability usability = r.usabilityAt(now);
        if (usability == KeyRecord.Usability.REVOKED || usability == KeyRecord.Usability.EXPIRED) {
            return new KeyFindings(r, found);
        }
        usage(r, now, found);
        expiry(r, now, found);
        if (r.reviewAfter() != null && !today(now).isBefore(r.reviewAfter())) {
            found.put(Finding.REVIEW_DUE, "due for review since " + r.reviewAfter());
        }
        if (placeholderOwners.contains(r.owner().trim().toLowerCase(Locale.ROOT))) {
            found.put(Finding.NO_OWNER, "owner '" + r.owner() + "' names nobody");
        }
        if (r.description() == null) {
            found.put(Finding.NO_PURPOSE, "no description of what the key is for");
        }
        Set<String> wildcards = new TreeSet<>();
        for (Scope s : r.scopes().asSet()) {
            if (s.isWildcard()) {
                wildcards.add(s.value());
            }
        }
        if (!wildcards.isEmpty()) {
            found.put(Finding.WILDCARD_SCOPE, "holds " + String.join(", ", wildcards));
        }
        if (r.legacy() && r.replacedBy() == null) {
            found.put(Finding.LEGACY, "imported outside the key format; verifies only while the legacy path is on: rotate it");
        }
        return new KeyFindings(r, found);
    }

    private void usage(KeyRecord r, Instant now, Map<Finding, String> found) {
        Instant limit = now.minus(Duration.ofDays(unusedDays));
        if (r.lastUsed() == null) {
            // A key that only just became valid had no chance to be used yet.
            Instant validFrom = r.notBefore() != null && r.notBefore().isAfter(r.created()) ? r.notBefore() : r.created();
            if (!validFrom.isAfter(limit)) {
                found.put(Finding.NEVER_USED, "never used; valid for " + days(validFrom, now) + " days");
            }
        } else if (!r.lastUsed().isAfter(limit)) {
            found.put(Finding.UNUSED, "last used " + days(r.lastUsed(), now) + " days ago (" + r.lastUsed() + ")");
        }
    }

    private void expiry(KeyRecord r, Instant now, Map<Finding, String> found) {
        if (r.replacedBy() != null) {
            found.put(Finding.IN_GRACE, "replaced by " + r.replacedBy() + "; still works until " + r.expires());
        } else if (r.expires() == null) {
            found.put(Finding.NO_EXPIRY, "never expires");
        } else if (!r.expires().isAfter(now.plus(Duration.ofDays(expiringDays)))) {
            found.put(Finding.EXPIRING, "expires in " + days(now, r.expires()) + " days (" + r.expires() + ")");
        }
    }

    private static long days(Instant from, Instant to) {
        return Duration.between(from, to).toDays();
    }

    private static LocalDate today(Instant now) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC);
    }

    /** Builder for {@link KeyReview}; setters fail fast with a message naming the value. */
    public static final class Builder {
        private int unusedDays = DEFAULT_UNUSED_DAYS;
        private int expiringDays = DEFAULT_EXPIRING_DAYS;
        private Set<String> placeholderOwners = DEFAULT_PLACEHOLDER_OWNERS;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Days without a use after which a key is reported (default {@value #DEFAULT_UNUSED_DAYS}). */
        public Builder unusedDays(int days) {
            this.unusedDays = checkDays(days, "unusedDays");
            return this;
        }

        /** Days before its expiry from which a key is reported (default {@value #DEFAULT_EXPIRING_DAYS}). */
        public Builder expiringDays(int days) {
            this.expiringDays = checkDays(days, "expiringDays");
            return this;
        }

        /** Owners that name nobody (compared ignoring case and surrounding blanks); replaces the defaults. */
        public Builder placeholderOwners(Set<String> owners) {
            Set<String> lower = new TreeSet<>();
            for (String o : owners) {
                lower.add(o.trim().toLowerCase(Locale.ROOT));
            }
            this.placeholderOwners = lower;
            return this;
        }

        /** The clock the review compares against (default the system clock); give it the manager's. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The review. */
        public KeyReview build() {
            return new KeyReview(this);
        }

        private static int checkDays(int days, String name) {
            if (days < 1 || days > MAX_DAYS) {
                throw new InvalidConfigurationException(name + " must be a whole number of days from 1 to " + MAX_DAYS
                        + ", got " + days);
            }
            return days;
        }
    }
}
