package dev.apikey;

import java.time.Duration;
import java.util.Locale;

/**
 * One limit: up to {@code permits} requests in any window of {@code period}, at most {@code burst} at once.
 * Text form {@code N/period [burst B]}, e.g. {@code 100/1s burst 20}, {@code 10000/1d}, {@code 5/m}.
 * Periods: a number followed by {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} (the number may be
 * omitted for 1). Burst defaults to {@code permits}, so a fresh key may spend the whole limit at once.
 *
 * @param permits requests admitted per period, at least 1
 * @param period  the window, at least 1 ms and at most 366 days
 * @param burst   how many requests may come at once, 1..permits
 */
public record RateLimit(long permits, Duration period, long burst) {
    private static final Duration MAX_PERIOD = Duration.ofDays(366);

    /** Validates the values. */
    public RateLimit {
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

    /** A limit of {@code permits} per {@code period} with burst equal to permits. */
    public static RateLimit of(long permits, Duration period) {
        return new RateLimit(permits, period, permits);
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
        return new RateLimit(permits, period, burst);
    }

    private static long number(String s, String text) {
        if (s.isEmpty() || s.length() > 15 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad(text);
        }
        return Long.parseLong(s);
    }

    private static InvalidConfigurationException bad(String text) {
        return new InvalidConfigurationException("rate limit '" + Text.safe(text)
                + "' must look like N/period [burst B], e.g. 100/1s burst 20 or 10000/1d");
    }

    /** A short stable name for headers and logs, e.g. {@code 100-per-1s}. */
    public String name() {
        return permits + "-per-" + Durations.formatShort(period);
    }

    /** The text form, which {@link #parse} reads back. */
    @Override
    public String toString() {
        String base = permits + "/" + Durations.formatShort(period);
        return burst == permits ? base : base + " burst " + burst;
    }
}
