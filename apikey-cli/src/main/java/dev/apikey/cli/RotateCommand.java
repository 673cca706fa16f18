package dev.apikey.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code apikey rotate}. */
@Command(name = "rotate", mixinStandardHelpOptions = true,
        description = "Issue a successor with the same metadata; the old key works for the grace period.")
final class RotateCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(paramLabel = "ID", description = "The key id (key_...).")
    String id;
    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "PT0S",
            description = "ISO-8601 duration the old key keeps working (default: ${DEFAULT-VALUE}, i.e. ends at once).")
    Duration grace;

    @Override
    public Integer call() {
        IssueCommand.printIssued(spec.commandLine().getOut(), store.manager().rotate(id, grace));
        return 0;
    }
}
