package dev.apikey.cli;

import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import picocli.CommandLine.Command;

/** {@code apikey revoke}. */
@Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key for good.")
final class RevokeCommand extends RecordCommand {
    @Override
    KeyRecord apply(KeyManager manager, String id) {
        return manager.revoke(id);
    }
}
