package dev.apikey;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * A quota: at most {@code limit} requests per calendar {@code period} (UTC). Text form {@code 1000/day}
 * or {@code 50000/month}, optionally followed by {@code per owner} or {@code per tenant} ({@link Per}) to count
 * every key of the owner or tenant together.
 *
 * @param limit  requests per period, at least 1
 * @param period day or month
 * @param per    whose requests the quota counts together
 */
public record Quota(long limit, Period period, Per per) {
    /** The calendar period of a quota, in UTC. */
    public enum Period {
        /** A UTC calendar day. */
        DAY,
        /** A UTC calendar month. */
        MONTH
    }

    /** Validates the values. */
    public Quota {
        if (limit < 1) {
            throw new InvalidConfigurationException("quota limit must be >= 1, got " + limit);
        }
        if (period == null) {
            throw new InvalidConfigurationException("quota period must be day or month");
        }
        if (per == null) {
            throw new InvalidConfigurationException("quota per must be key, owner or tenant");
        }
    }

    /** A quota counted per key. */
    public Quota(long limit, Period period) {
        this(limit, period, Per.KEY);
    }

    /**
     * Parses {@code N/day} or {@code N/month}.
     *
     * @throws InvalidConfigurationException naming the text and the expected form
     */
    public static Quota parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Per per = Per.KEY;
        String[] words = t.split("\\s+");
        if (words.length == 3 && words[1].equals("per") && Per.of(words[2]) != null) {
            per = Per.of(words[2]);
            t = words[0];
        }
        int slash = t.indexOf('/');
        if (slash > 0 && slash <= 15 && t.substring(0, slash).chars().allMatch(c -> c >= '0' && c <= '9')) {
            long n = Long.parseLong(t.substring(0, slash));
            switch (t.substring(slash + 1)) {
                case "day", "d" -> {
                    return new Quota(n, Period.DAY, per);
                }
                case "month", "mo" -> {
                    return new Quota(n, Period.MONTH, per);
                }
                default -> {
                }
            }
        }
        throw new InvalidConfigurationException(
                "quota '" + Text.safe(text) + "' must look like N/day or N/month [per key|owner|tenant], e.g. 1000/day");
    }

    /** Start of the period that contains {@code now}. */
    public Instant periodStart(Instant now) {
        LocalDate d = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate start = period == Period.DAY ? d : d.withDayOfMonth(1);
        return start.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** End (exclusive) of the period that contains {@code now}. */
    public Instant periodEnd(Instant now) {
        LocalDate d = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate end = period == Period.DAY ? d.plusDays(1) : d.withDayOfMonth(1).plusMonths(1);
        return end.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The text form, which {@link #parse} reads back. */
    @Override
    public String toString() {
        String base = limit + "/" + period.name().toLowerCase(Locale.ROOT);
        return per == Per.KEY ? base : base + " per " + per.word();
    }
}
