package dev.apikey.cli;

import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** A command that applies one operation to the key with the given id and prints the resulting record. */
abstract class RecordCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(paramLabel = "ID", description = "The key id (key_...).")
    String id;

    /** The operation: returns the record to print. */
    abstract KeyRecord apply(KeyManager manager, String id);

    @Override
    public Integer call() {
        Records.printDetail(spec.commandLine().getOut(), apply(store.manager(), id));
        return 0;
    }
}
