package dev.apikey;

import java.time.Duration;
import java.util.Locale;

/**
 * One limit: up to {@code permits} requests in any window of {@code period}, at most {@code burst} at once.
 * Text form {@code N/period [burst B] [per key|owner|tenant]}, e.g. {@code 100/1s burst 20}, {@code 10000/1d},
 * {@code 5/m}, {@code 1000/1h per owner}. Periods: a number followed by {@code ms}, {@code s}, {@code m},
 * {@code h} or {@code d} (the number may be omitted for 1). Burst defaults to {@code permits}, so a fresh key may
 * spend the whole limit at once. {@link Per} says whose requests count: the key's own by default.
 *
 * @param permits requests admitted per period, at least 1
 * @param period  the window, at least 1 ms and at most 366 days
 * @param burst   how many requests may come at once, 1..permits
 * @param per     whose requests the limit counts together
 */
public record RateLimit(long permits, Duration period, long burst, Per per) {
    private static final Duration MAX_PERIOD = Duration.ofDays(366);

    /** Validates the values. */
    public RateLimit {
        if (per == null) {
            throw new InvalidConfigurationException("rate limit per must be key, owner or tenant");
        }
        if (permits < 1) {
            throw new InvalidConfigurationException("rate limit permits must be >= 1, got " + permits);
        }
        if (period == null || period.compareTo(Duration.ofMillis(1)) < 0 || period.compareTo(MAX_PERIOD) > 0) {
            throw new InvalidConfigurationException("rate limit period must be between 1ms and 366d, got " + period);
        }
        if (burst < 1 || burst > permits) {
            throw new InvalidConfigurationException(
                    "rate limit burst must be between 1 and permits (" + permits + "), got " + burst);
        }
    }

    /** A limit counted per key. */
    public RateLimit(long permits, Duration period, long burst) {
        this(permits, period, burst, Per.KEY);
    }

    /** A limit of {@code permits} per {@code period} with burst equal to permits, per key. */
    public static RateLimit of(long permits, Duration period) {
        return new RateLimit(permits, period, permits);
    }

    /** This limit counted per {@code per}. */
    public RateLimit per(Per per) {
        return new RateLimit(permits, period, burst, per);
    }

    /**
     * Parses {@code N/period [burst B]}.
     *
     * @throws InvalidConfigurationException naming the text and the expected form
     */
    public static RateLimit parse(String text) {
        if (text == null) {
            throw bad(null);
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        String[] words = t.split("\\s+");
        Per per = Per.KEY;
        if (words.length >= 3 && words[words.length - 2].equals("per")) {
            per = Per.of(words[words.length - 1]);
            if (per == null) {
                throw bad(text);
            }
            words = java.util.Arrays.copyOf(words, words.length - 2);
        }
        if (!(words.length == 1 || (words.length == 3 && words[1].equals("burst")))) {
            throw bad(text);
        }
        int slash = words[0].indexOf('/');
        if (slash <= 0) {
            throw bad(text);
        }
        long permits = number(words[0].substring(0, slash), text);
        Duration period = Durations.parseShort(words[0].substring(slash + 1), text);
        long burst = words.length == 3 ? number(words[2], text) : permits;
        return new RateLimit(permits, period, burst, per);
    }

    private static long number(String s, String text) {
        if (s.isEmpty() || s.length() > 15 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad(text);
        }
        return Long.parseLong(s);
    }

    private static InvalidConfigurationException bad(String text) {
        return new InvalidConfigurationException("rate limit '" + Text.safe(text)
                + "' must look like N/period [burst B] [per key|owner|tenant], e.g. 100/1s burst 20 or 10000/1d per owner");
    }

    /** A short stable name for headers and logs, e.g. {@code 100-per-1s}, {@code 100-per-1s-owner}. */
    public String name() {
        String base = permits + "-per-" + Durations.formatShort(period);
        return per == Per.KEY ? base : base + "-" + per.word();
    }

    /** The text form, which {@link #parse} reads back. */
    @Override
    public String toString() {
        String base = permits + "/" + Durations.formatShort(period);
        String limit = burst == permits ? base : base + " burst " + burst;
        return per == Per.KEY ? limit : limit + " per " + per.word();
    }
}
