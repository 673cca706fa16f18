package dev.apikey.cli;

import dev.apikey.KeyRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code apikey suspend}. */
@Command(name = "suspend", mixinStandardHelpOptions = true, description = "Suspend a key (resume undoes it).")
final class SuspendCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(paramLabel = "ID", description = "The key id (key_...).")
    String id;

    @Override
    public Integer call() {
        KeyRecord r = store.manager().suspend(id);
        Records.printDetail(spec.commandLine().getOut(), r);
        return 0;
    }
}
