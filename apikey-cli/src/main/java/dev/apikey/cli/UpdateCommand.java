package dev.apikey.cli;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyUpdate;
import dev.apikey.Per;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code apikey update}: changes a key in place. Only the options given change anything; a {@code --no-...} option
 * removes a setting. With {@code --if-version} the change applies only if the key is still at the version you read
 * ({@code show} prints it), as the admin API's {@code If-Match} does; without it, to whatever is current.
 */
@Command(name = "update", mixinStandardHelpOptions = true,
        description = "Change a key's scopes, limits, labels, description, review day, expiry or networks in place.")
final class UpdateCommand extends RecordCommand {
    @Option(names = {"--scope", "-s"}, paramLabel = "SCOPE", description = "Replaces the scopes; repeat for more.")
    List<String> scopes;
    @Option(names = "--rate-limit", paramLabel = "POLICY", description = "Replaces the rate limit, e.g. '100/1s burst 20'.")
    String rateLimit;
    @Option(names = "--no-rate-limit", description = "Removes the rate limit.")
    boolean noRateLimit;
    @Option(names = "--quota", paramLabel = "QUOTA", description = "Replaces the quota, e.g. 1000/day.")
    String quota;
    @Option(names = "--no-quota", description = "Removes the quota.")
    boolean noQuota;
    @Option(names = "--credits", description = "Replaces the total uses allowed (uses already counted stay counted).")
    Long credits;
    @Option(names = "--credits-per", paramLabel = "PARTY",
            description = "With --credits: owner or tenant makes them one balance for every key of that party.")
    String creditsPer;
    @Option(names = "--no-credits", description = "Removes the cap on total uses.")
    boolean noCredits;
    @Option(names = "--label", paramLabel = "NAME=VALUE", description = "Replaces the labels; repeat for more.")
    Map<String, String> labels;
    @Option(names = "--no-labels", description = "Removes every label.")
    boolean noLabels;
    @Option(names = "--description", paramLabel = "TEXT", description = "Replaces the description (the key's purpose).")
    String description;
    @Option(names = "--no-description", description = "Removes the description.")
    boolean noDescription;
    @Option(names = "--review-after", paramLabel = "DATE", description = "Replaces the review day, e.g. 2027-06-30.")
    LocalDate reviewAfter;
    @Option(names = "--no-review-after", description = "Removes the review day.")
    boolean noReviewAfter;
    @Option(names = "--expires-at", paramLabel = "INSTANT", description = "Replaces the expiry, e.g. 2027-01-01T00:00:00Z.")
    Instant expiresAt;
    @Option(names = "--expires-in", paramLabel = "DURATION", description = "Sets the expiry this long from now, e.g. P90D.")
    Duration expiresIn;
    @Option(names = "--no-expiry", description = "Removes the expiry.")
    boolean noExpiry;
    @Option(names = "--allow-cidr", paramLabel = "CIDR", description = "Replaces the allowed networks; repeat for more.")
    List<String> cidrs;
    @Option(names = "--any-network", description = "Removes the network allowlist.")
    boolean anyNetwork;
    @Option(names = "--if-version", paramLabel = "N",
            description = "Change the key only if it is still at this version (show prints it); else exit 2.")
    Long ifVersion;

    @Override
    KeyRecord apply(KeyManager manager, String id) {
        KeyUpdate update = update(manager);
        return ifVersion == null ? manager.update(id, update) : manager.update(id, ifVersion, update);
    }

    private KeyUpdate update(KeyManager manager) {
        KeyUpdate.Builder u = KeyUpdate.builder();
        if (scopes != null) {
            u.scopes(scopes);
        }
        if (set("--rate-limit", rateLimit, noRateLimit)) {
            u.rateLimit(rateLimit);
        }
        if (set("--quota", quota, noQuota)) {
            u.quota(quota);
        }
        if (set("--credits", credits, noCredits)) {
            if (credits != null && creditsPer != null) {
                u.credits(credits, Per.parse(creditsPer));
            } else {
                u.credits(credits);
            }
        } else if (creditsPer != null) {
            throw new InvalidConfigurationException("--credits-per needs --credits");
        }
        if (set("--label", labels, noLabels)) {
            u.labels(labels == null ? Map.of() : new LinkedHashMap<>(labels));
        }
        if (set("--description", description, noDescription)) {
            u.description(description);
        }
        if (set("--review-after", reviewAfter, noReviewAfter)) {
            u.reviewAfter(reviewAfter);
        }
        if (expiresAt != null && expiresIn != null) {
            throw new InvalidConfigurationException("give --expires-at or --expires-in, not both");
        }
        Instant expiry = expiresIn != null ? manager.clock().instant().plus(expiresIn) : expiresAt;
        if (set("--expires-at", expiry, noExpiry)) {
            u.expiresAt(expiry);
        }
        if (set("--allow-cidr", cidrs, anyNetwork)) {
            u.allowedCidrs(cidrs == null ? List.of() : cidrs);
        }
        return u.build();
    }

    /** Whether an option pair changes its setting: a value or its {@code --no-...} flag, never both. */
    private static boolean set(String option, Object value, boolean remove) {
        if (value != null && remove) {
            throw new InvalidConfigurationException(option + " and its removal were both given; choose one");
        }
        return value != null || remove;
    }
}
