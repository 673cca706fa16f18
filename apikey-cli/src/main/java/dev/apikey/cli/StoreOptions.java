package dev.apikey.cli;

import dev.apikey.FileKeyStore;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyFormat;
import dev.apikey.KeyManager;
import dev.apikey.spi.KeyStore;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where the keys live: {@code --store file:PATH}. Shared by every management command. */
final class StoreOptions {
    @Option(names = "--store", paramLabel = "file:PATH", required = true,
            description = "The key store: file:PATH (a JSON file store; created if missing).")
    String store;

    @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = KeyFormat.DEFAULT_PREFIX,
            description = "Key prefix of this deployment (default: ${DEFAULT-VALUE}).")
    String prefix;

    KeyManager manager() {
        return manager(store, prefix);
    }

    static KeyManager manager(String store, String prefix) {
        return KeyManager.builder(openStore(store)).format(KeyFormat.withPrefix(prefix)).build();
    }

    static KeyStore openStore(String store) {
        if (store != null && store.startsWith("file:") && store.length() > 5) {
            return FileKeyStore.builder(Path.of(store.substring(5))).build();
        }
        throw new InvalidConfigurationException("--store must be file:PATH, got '" + store + "'");
    }
}
