package dev.apikey.review;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.Text;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What the {@link KeyReview} can report about a live key. Each has a stable token for tools and {@code --fail-on}. */
public enum Finding {
    /** No use was ever recorded, and the key has been valid for longer than the unused period. */
    NEVER_USED("never-used"),
    /** The last recorded use is older than the unused period. */
    UNUSED("unused"),
    /** The key never expires. */
    NO_EXPIRY("no-expiry"),
    /** The key expires within the expiring period (a predecessor in its grace period is {@link #IN_GRACE} instead). */
    EXPIRING("expiring"),
    /** The key's review-after day has come. */
    REVIEW_DUE("review-due"),
    /** The owner is a placeholder such as {@code unknown}: nobody answers for the key. */
    NO_OWNER("no-owner"),
    /** The key has no description saying what it is for. */
    NO_PURPOSE("no-purpose"),
    /** The key holds a wildcard scope ({@code billing:*} or {@code *}). */
    WILDCARD_SCOPE("wildcard-scope"),
    /** The key was rotated and still works until its grace period ends. */
    IN_GRACE("in-grace"),
    /** The key was imported from another system and does not follow the key format: rotate it to one that does. */
    LEGACY("legacy");

    private final String token;

    Finding(String token) {
        this.token = token;
    }

    /** The stable name, e.g. {@code never-used}. */
    public String token() {
        return token;
    }

    /**
     * The findings named in {@code list}: tokens separated by commas, or {@code any} for all of them.
     *
     * @throws InvalidConfigurationException naming an unknown token and listing the known ones
     */
    public static Set<Finding> parseList(String list) {
        if (list == null || list.isBlank()) {
            throw new InvalidConfigurationException("expected 'any' or findings separated by commas, got nothing");
        }
        if (list.trim().equalsIgnoreCase("any")) {
            return EnumSet.allOf(Finding.class);
        }
        Set<Finding> out = EnumSet.noneOf(Finding.class);
        for (String part : list.split(",", -1)) {
            out.add(parse(part.trim()));
        }
        return out;
    }

    /**
     * The finding with this token (case-insensitive).
     *
     * @throws InvalidConfigurationException naming the token and listing the known ones
     */
    public static Finding parse(String token) {
        for (Finding f : values()) {
            if (f.token.equals(token.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        StringBuilder known = new StringBuilder("any");
        for (Finding f : values()) {
            known.append(", ").append(f.token);
        }
        throw new InvalidConfigurationException("unknown finding '" + Text.safe(token) + "'; expected one of " + known);
    }
}
