package dev.apikey.hazelcast.internal;

import com.hazelcast.map.MapLoader;
import dev.apikey.spi.KeyStore;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Loads the id map (id to digest) on a miss from the store that backs the registry. Nothing is written through:
 * the registry's row already holds the id and the digest. A shortcut only: the key store checks that the record
 * it finds has the id asked for.
 */
public final class IdMapLoader implements MapLoader<String, String> {
    private final KeyStore store;

    /** Loads from {@code store}. */
    public IdMapLoader(KeyStore store) {
        this.store = store;
    }

    @Override
    public String load(String id) {
        return store.findById(id).map(r -> r.digest().encoded()).orElse(null);
    }

    @Override
    public Map<String, String> loadAll(Collection<String> ids) {
        Map<String, String> out = new HashMap<>();
        for (String id : ids) {
            String digest = load(id);
            if (digest != null) {
                out.put(id, digest);
            }
        }
        return out;
    }

    /** No initial load: ids are loaded when first asked for. */
    @Override
    public Iterable<String> loadAllKeys() {
        return null;
    }
}
