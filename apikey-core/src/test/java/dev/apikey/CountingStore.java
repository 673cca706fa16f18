package dev.apikey;

import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.StoreUnavailableException;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A store wrapper that counts lookups and can be switched to fail, for pipeline tests. */
final class CountingStore implements KeyStore {
    final KeyStore delegate;
    final AtomicInteger digestLookups = new AtomicInteger();
    volatile boolean failing;

    CountingStore(KeyStore delegate) {
        this.delegate = delegate;
    }

    private void check() {
        if (failing) {
            throw new StoreUnavailableException("store down (test) at jdbc://secret-host");
        }
    }

    @Override
    public Optional<KeyRecord> findByDigest(KeyDigest digest) {
        digestLookups.incrementAndGet();
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
