package dev.apikey.cli;

import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import picocli.CommandLine.Command;

/** {@code apikey resume}. */
@Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a suspended key.")
final class ResumeCommand extends RecordCommand {
    @Override
    KeyRecord apply(KeyManager manager, String id) {
        return manager.resume(id);
    }
}
