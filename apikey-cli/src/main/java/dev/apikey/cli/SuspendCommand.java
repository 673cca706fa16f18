package dev.apikey.cli;

import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import picocli.CommandLine.Command;

/** {@code apikey suspend}. */
@Command(name = "suspend", mixinStandardHelpOptions = true, description = "Suspend a key (resume undoes it).")
final class SuspendCommand extends RecordCommand {
    @Override
    KeyRecord apply(KeyManager manager, String id) {
        return manager.suspend(id);
    }
}
