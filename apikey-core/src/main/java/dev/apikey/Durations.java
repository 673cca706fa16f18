package dev.apikey;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Parsing and formatting of the short duration form ({@code 1s}, {@code 15m}, {@code 1d}) and ISO-8601. */
final class Durations {
    private Durations() {
    }

    static Duration parseShort(String s, String context) {
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i > 12) {
            throw bad(context);
        }
        long n = i == 0 ? 1 : Long.parseLong(s.substring(0, i));
        String unit = s.substring(i);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw bad(context);
        };
    }

    /**
     * Parses a duration written either short ({@code 90s}, {@code 7d}) or ISO-8601 ({@code PT1H}).
     *
     * @throws InvalidConfigurationException naming the text
     */
    static Duration parseAny(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new InvalidConfigurationException(what + " is empty; expected e.g. PT1H or 90s");
        }
        String t = s.trim();
        if (t.length() > 40) {
            throw new InvalidConfigurationException(what + " is too long");
        }
        if (t.startsWith("P") || t.startsWith("p") || t.startsWith("-P")) {
            try {
                return Duration.parse(t);
            } catch (DateTimeParseException e) {
                throw new InvalidConfigurationException(what + " '" + Text.safe(t) + "' is not an ISO-8601 duration");
            }
        }
        return parseShort(t.toLowerCase(java.util.Locale.ROOT), t);
    }

    static String formatShort(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }

    private static InvalidConfigurationException bad(String context) {
        return new InvalidConfigurationException("duration in '" + Text.safe(context)
                + "' must be a number and a unit (ms, s, m, h, d), e.g. 1s or 15m");
    }
}
