package dev.apikey.servlet;

import dev.apikey.FileKeyStore;
import dev.apikey.InMemoryKeyStore;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.internal.Escaping;
import dev.apikey.spi.KeyStore;

import java.nio.file.Path;

/** Turns the {@value ApiKeyFilterConfig#STORE} init-param into a store. The one place that knows the store kinds. */
final class StoreFactory {
    private StoreFactory() {
    }

    /**
     * The store {@code spec} names: {@code memory} or {@code file:PATH}.
     *
     * @throws InvalidConfigurationException for anything else, naming the value
     */
    static KeyStore create(String spec) {
        String s = spec == null ? "" : spec.strip();
        if (s.equals("memory")) {
            return new InMemoryKeyStore();
        }
        if (s.startsWith("file:")) {
            if (s.length() == "file:".length()) {
                throw new InvalidConfigurationException("store 'file:' needs a path, e.g. file:/var/lib/app/keys.json");
            }
            return FileKeyStore.builder(Path.of(s.substring("file:".length()))).build();
        }
        throw new InvalidConfigurationException("store must be 'memory' or 'file:PATH', got '" + Escaping.escape(s, 64) + "'");
    }
}
