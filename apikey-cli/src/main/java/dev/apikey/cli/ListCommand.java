package dev.apikey.cli;

import dev.apikey.KeyRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code apikey list}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (id, status, owner, hint, scopes).")
final class ListCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Mixin
    KeyFilter filter;

    @Override
    public Integer call() {
        List<KeyRecord> records = store.manager().list(filter.query());
        records.sort(Comparator.comparing(KeyRecord::created).thenComparing(KeyRecord::id));
        PrintWriter out = spec.commandLine().getOut();
        Records.printHeader(out);
        records.forEach(r -> Records.printRow(out, r));
        return 0;
    }
}
