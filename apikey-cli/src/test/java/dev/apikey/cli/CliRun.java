package dev.apikey.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One CLI invocation in-process: its exit code and what it printed. */
record CliRun(int code, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ApiKeyCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Everything printed, for checks that a key appears nowhere. */
    String all() {
        return out + err;
    }
}
