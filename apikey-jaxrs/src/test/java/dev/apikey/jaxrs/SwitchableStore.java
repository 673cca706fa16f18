package dev.apikey.jaxrs;

import dev.apikey.InMemoryKeyStore;
import dev.apikey.KeyDigest;
import dev.apikey.KeyRecord;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.StoreUnavailableException;

import java.util.List;
import java.util.Optional;

/** An in-memory store that can be made unreachable, as a cluster store is when the cluster is gone. */
final class SwitchableStore implements KeyStore {
    private final InMemoryKeyStore delegate = new InMemoryKeyStore();
    private volatile boolean down;

    void down(boolean down) {
        this.down = down;
    }

    private void check() {
        if (down) {
            throw new StoreUnavailableException("store at 10.0.0.7:5701 unreachable (test)");
        }
    }

    @Override
    public Optional<KeyRecord> findByDigest(KeyDigest digest) {
        check();
        return delegate.findByDigest(digest);
    }

    @Override
    public Optional<KeyRecord> findById(String id) {
        check();
        return delegate.findById(id);
    }

    @Override
    public KeyRecord create(KeyRecord record) {
        check();
        return delegate.create(record);
    }

    @Override
    public KeyRecord update(KeyRecord record) {
        check();
        return delegate.update(record);
    }

    @Override
    public List<KeyRecord> list(KeyQuery query) {
        check();
        return delegate.list(query);
    }
}
