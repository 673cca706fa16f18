package dev.apikey.cli;

import dev.apikey.KeyManager;
import dev.apikey.review.Finding;
import dev.apikey.review.KeyReview;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code apikey review}: core's {@link KeyReview} over every key of the store, page by page, as a table or JSON.
 * With {@code --fail-on} it exits 1 when a listed finding turns up, for cron jobs and CI.
 */
@Command(name = "review", mixinStandardHelpOptions = true,
        description = "Review every live key: never used or unused, no expiry or expiring soon, review due, "
                + "no owner or no purpose, wildcard scopes, still in a rotation's grace period.")
final class ReviewCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Mixin
    KeyFilter filter;
    @Option(names = "--unused-days", paramLabel = "DAYS", defaultValue = "" + KeyReview.DEFAULT_UNUSED_DAYS,
            description = "Report keys not used for this many days (default: ${DEFAULT-VALUE}).")
    int unusedDays;
    @Option(names = "--expiring-days", paramLabel = "DAYS", defaultValue = "" + KeyReview.DEFAULT_EXPIRING_DAYS,
            description = "Report keys expiring within this many days (default: ${DEFAULT-VALUE}).")
    int expiringDays;
    @Option(names = "--format", paramLabel = "table|json", defaultValue = "table",
            description = "A table for people or one JSON document for tools (default: ${DEFAULT-VALUE}).")
    ReviewPrinter.Format format;
    @Option(names = "--fail-on", paramLabel = "FINDING[,FINDING...]|any",
            description = "Exit 1 if any of these findings turns up (2 stays for errors).")
    String failOn;

    @Override
    public Integer call() {
        // Checked before the store is opened: a typo must not cost a connection, nor pass as "nothing found".
        Set<Finding> failing = failOn == null ? Set.of() : Finding.parseList(failOn);
        KeyReview.Builder settings = KeyReview.custom().unusedDays(unusedDays).expiringDays(expiringDays);
        KeyManager manager = store.manager();
        KeyReview review = settings.clock(manager.clock()).build();
        ReviewPrinter printer = ReviewPrinter.of(format, spec.commandLine().getOut(), review);
        boolean[] matched = {false};
        KeyReview.Summary summary = review.walk(manager::list, filter.query(), f -> {
            matched[0] |= f.hasAnyOf(failing);
            printer.key(f);
        });
        printer.end(summary);
        return matched[0] ? 1 : 0;
    }
}
