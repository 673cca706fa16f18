package dev.apikey.cli;

import dev.apikey.KeyRecord;
import dev.apikey.spi.KeyQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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
    @Option(names = "--owner", description = "Only this owner's keys.")
    String owner;
    @Option(names = "--tenant", description = "Only this tenant's keys.")
    String tenant;

    @Override
    public Integer call() {
        KeyQuery q = new KeyQuery(owner, tenant);
        List<KeyRecord> records = store.manager().list(q);
        records.sort(Comparator.comparing(KeyRecord::created).thenComparing(KeyRecord::id));
        PrintWriter out = spec.commandLine().getOut();
        Records.printHeader(out);
        records.forEach(r -> Records.printRow(out, r));
        return 0;
    }
}
