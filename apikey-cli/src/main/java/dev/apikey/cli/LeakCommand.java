package dev.apikey.cli;

import dev.apikey.leak.LeakAction;
import dev.apikey.leak.LeakReports;
import dev.apikey.leak.LeakResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code apikey leak}: handles strings someone found (one per line on standard input, e.g. the output of a
 * scanner) like GitHub's reports: keys of ours are revoked (or suspended, or only noted), everything else is named
 * not ours. Prints one line per input line, with the key id for keys of ours and never the string itself.
 */
@Command(name = "leak", mixinStandardHelpOptions = true,
        description = {"Report found strings, one per line on standard input (or --from FILE): keys of this deployment are revoked"
                + " (see --action), and each line is answered 'ours KEY_ID ACTION' or 'not-ours REASON'.",
                "Exit codes: 0 when none was ours, 1 when at least one was, 2 on error."})
final class LeakCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--action", paramLabel = "ACTION", defaultValue = "revoke",
            description = "What to do to a live key of ours: revoke (default), suspend or notify.")
    String action;
    @Option(names = "--from", paramLabel = "FILE", description = "Read the strings from FILE instead of standard input.")
    java.nio.file.Path from;

    @Override
    public Integer call() throws IOException {
        LeakAction what = switch (action) {
            case "revoke" -> LeakAction.REVOKE;
            case "suspend" -> LeakAction.SUSPEND;
            case "notify" -> LeakAction.NOTIFY;
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--action must be revoke, suspend or notify");
        };
        List<String> found = new ArrayList<>();
        BufferedReader in = from != null ? java.nio.file.Files.newBufferedReader(from, StandardCharsets.UTF_8)
                : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (!line.isBlank()) {
                found.add(line.strip());
            }
        }
        List<LeakResult> results = new LeakReports(store.manager(), what).handle(found);
        PrintWriter out = spec.commandLine().getOut();
        boolean anyOurs = false;
        for (LeakResult r : results) {
            anyOurs |= r.verdict().ours();
            out.println(r.verdict().ours() ? "ours " + r.keyId() + " " + r.verdict().name().toLowerCase(java.util.Locale.ROOT)
                    : "not-ours " + r.verdict().name().toLowerCase(java.util.Locale.ROOT));
        }
        out.flush();
        return anyOurs ? 1 : 0;
    }
}
