package dev.apikey.cli;

import dev.apikey.Environment;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.IssuedKey;
import dev.apikey.KeyRequest;
import dev.apikey.Per;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code apikey issue}: issues a key and prints it once. */
@Command(name = "issue", mixinStandardHelpOptions = true,
        description = "Issue a key. The key is printed once, here, and stored only as a digest.")
final class IssueCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--owner", required = true, description = "Who the key is for (an application or team).")
    String owner;
    @Option(names = "--tenant", description = "Optional tenant.")
    String tenant;
    @Option(names = {"--scope", "-s"}, paramLabel = "SCOPE", description = "A granted scope; repeat for more.")
    List<String> scopes = new ArrayList<>();
    @Option(names = "--env", defaultValue = "live", description = "live or test (default: ${DEFAULT-VALUE}).")
    String env;
    @Option(names = "--expires-in", paramLabel = "DURATION", description = "ISO-8601 duration, e.g. P90D.")
    Duration expiresIn;
    @Option(names = "--expires-at", paramLabel = "INSTANT", description = "ISO-8601 instant, e.g. 2027-01-01T00:00:00Z.")
    Instant expiresAt;
    @Option(names = "--rate-limit", paramLabel = "POLICY", description = "e.g. '100/1s burst 20, 10000/1d'.")
    String rateLimit;
    @Option(names = "--quota", paramLabel = "QUOTA", description = "e.g. 1000/day or 50000/month.")
    String quota;
    @Option(names = "--credits", description = "Total uses allowed.")
    Long credits;
    @Option(names = "--credits-per", paramLabel = "PARTY",
            description = "owner or tenant: the credits are one balance for every key of the key's owner or tenant.")
    String creditsPer;
    @Option(names = "--allow-cidr", paramLabel = "CIDR", description = "Network the key may be used from; repeat for more.")
    List<String> cidrs = new ArrayList<>();

    @Option(names = "--label", paramLabel = "NAME=VALUE",
            description = "Free-form metadata the application reads from the principal (e.g. plan=gold); repeat for more.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--description", paramLabel = "TEXT",
            description = "What the key is for (its purpose), at most 512 chars; the key review reports keys without one.")
    String description;
    @Option(names = "--review-after", paramLabel = "DATE",
            description = "ISO-8601 date, e.g. 2027-06-30: from this day on the key review reports the key as due.")
    LocalDate reviewAfter;

    @Override
    public Integer call() {
        KeyRequest.Builder b = KeyRequest.builder().owner(owner).tenant(tenant).environment(Environment.parse(env))
                .scopes(scopes).allowedCidrs(cidrs.toArray(new String[0])).rateLimit(rateLimit).quota(quota)
                .description(description).reviewAfter(reviewAfter);
        if (expiresIn != null) {
            b.expiresIn(expiresIn);
        }
        if (expiresAt != null) {
            b.expiresAt(expiresAt);
        }
        if (credits != null) {
            b.credits(credits, creditsPer == null ? Per.KEY : Per.parse(creditsPer));
        } else if (creditsPer != null) {
            throw new InvalidConfigurationException("--credits-per needs --credits");
        }
        labels.forEach(b::label);
        IssuedKey issued = store.manager().issue(b.build());
        printIssued(spec.commandLine().getOut(), issued);
        return 0;
    }

    static void printIssued(PrintWriter out, IssuedKey issued) {
        out.println("id:  " + issued.record().id());
        // The one place the CLI shows a plaintext key: the operator asked for it and it is not stored anywhere.
        out.println("key: " + issued.key().reveal());
        out.println("Store the key now; it cannot be shown again.");
    }
}
