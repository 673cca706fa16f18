package dev.apikey.cli;

import dev.apikey.KeyNotFoundException;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import picocli.CommandLine.Command;

/** {@code apikey show}. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Show one key's record (never the key or its digest).")
final class ShowCommand extends RecordCommand {
    @Override
    KeyRecord apply(KeyManager manager, String id) {
        return manager.get(id).orElseThrow(() -> new KeyNotFoundException(id));
    }
}
