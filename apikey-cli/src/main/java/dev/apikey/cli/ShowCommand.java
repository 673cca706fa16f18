package dev.apikey.cli;

import dev.apikey.KeyNotFoundException;
import dev.apikey.KeyRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code apikey show}. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Show one key's record (never the key or its digest).")
final class ShowCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(paramLabel = "ID", description = "The key id (key_...).")
    String id;

    @Override
    public Integer call() {
        KeyRecord r = store.manager().get(id).orElseThrow(() -> new KeyNotFoundException(id));
        Records.printDetail(spec.commandLine().getOut(), r);
        return 0;
    }
}
