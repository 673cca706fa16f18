package dev.apikey.cli;

import dev.apikey.KeyRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code apikey resume}. */
@Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a suspended key.")
final class ResumeCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(paramLabel = "ID", description = "The key id (key_...).")
    String id;

    @Override
    public Integer call() {
        KeyRecord r = store.manager().resume(id);
        Records.printDetail(spec.commandLine().getOut(), r);
        return 0;
    }
}
