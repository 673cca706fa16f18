package dev.apikey.servlet;

import dev.apikey.FileKeyStore;
import dev.apikey.InMemoryKeyStore;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.internal.Escaping;
import dev.apikey.spi.KeyStore;

import java.nio.file.Files;
import java.nio.file.Path;

/** Turns the {@value ApiKeyFilterConfig#STORE} init-param into a store. The one place that knows the store kinds. */
final class StoreFactory {
    private StoreFactory() {
    }

    /**
     * The store {@code spec} names: {@code memory} or {@code file:PATH}; a missing file is created only when
     * {@code createMissing} is true.
     *
     * @throws InvalidConfigurationException for anything else, or a missing file, naming the value
     */
    static KeyStore create(String spec, boolean createMissing) {
        String s = spec == null ? "" : spec.strip();
        if (s.equals("memory")) {
            return new InMemoryKeyStore();
        }
        if (s.startsWith("file:")) {
            if (s.length() == "file:".length()) {
                throw new InvalidConfigurationException("store 'file:' needs a path, e.g. file:/var/lib/app/keys.json");
            }
            Path file = Path.of(s.substring("file:".length()));
            // A typo in the path would otherwise start an empty store and answer 401 to every client.
            if (!createMissing && !Files.exists(file)) {
                throw new InvalidConfigurationException("key file " + Escaping.escape(file.toString(), 256)
                        + " does not exist; create it, or set init-param '" + ApiKeyFilterConfig.CREATE_STORE + "' to true");
            }
            return FileKeyStore.builder(file).build();
        }
        throw new InvalidConfigurationException("store must be 'memory' or 'file:PATH', got '" + Escaping.escape(s, 64) + "'");
    }
}
