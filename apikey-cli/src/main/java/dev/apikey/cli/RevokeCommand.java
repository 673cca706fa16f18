package dev.apikey.cli;

import dev.apikey.KeyRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code apikey revoke}. */
@Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key for good.")
final class RevokeCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(paramLabel = "ID", description = "The key id (key_...).")
    String id;

    @Override
    public Integer call() {
        KeyRecord r = store.manager().revoke(id);
        Records.printDetail(spec.commandLine().getOut(), r);
        return 0;
    }
}
