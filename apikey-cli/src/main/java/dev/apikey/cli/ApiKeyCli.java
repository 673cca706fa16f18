package dev.apikey.cli;

import dev.apikey.ApiKeyException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code apikey} command: key management against a file store or a cluster, and leak scanning.
 * Exit codes: 0 success; 1 {@code scan} found keys, {@code review --fail-on} matched a finding, or {@code leak} was
 * given a key of ours; 2 an error (one line on stderr; for {@code scan}, also a file it could not read).
 */
@Command(name = "apikey", mixinStandardHelpOptions = true, version = "apikey " + ApiKeyCli.VERSION,
        description = "Manage API keys and scan for leaked ones.",
        subcommands = {IssueCommand.class, ListCommand.class, ShowCommand.class, RevokeCommand.class,
                RotateCommand.class, SuspendCommand.class, ResumeCommand.class, UpdateCommand.class, ImportCommand.class, ReviewCommand.class, HashCommand.class,
                ScanCommand.class, LeakCommand.class})
public final class ApiKeyCli implements Runnable {
    /** The CLI's version, as {@code --version} and scan reports show it. */
    public static final String VERSION = "0.1.0";
    /** Exit code for errors. */
    public static final int ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given output streams and returns the exit code (for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new ApiKeyCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(e -> ERROR);
        cl.setParameterExceptionHandler((e, a) -> {
            err.println("apikey: " + e.getMessage());
            // The qualified name already starts with "apikey": "apikey issue" for a subcommand, "apikey" alone at the top.
            err.println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return ERROR;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            // One clear line; messages of our exceptions never hold a secret.
            String msg = e instanceof ApiKeyException || e instanceof java.io.UncheckedIOException
                    || e instanceof IllegalArgumentException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
            err.println("apikey: error: " + msg);
            return ERROR;
        });
        try {
            return cl.execute(args);
        } finally {
            StoreOptions.closeAll();
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
