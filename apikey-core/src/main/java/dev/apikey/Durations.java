package dev.apikey;

import java.time.Duration;

/** Parsing and formatting of the short duration form ({@code 1s}, {@code 15m}, {@code 1d}). */
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
