package dev.apikey.hardening;

import dev.apikey.KeyDigest;
import dev.apikey.KeyRecord;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.KeyStore;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Wraps a store and remembers every digest looked up, so tests can prove which credentials cost a lookup. */
final class CountingStore implements KeyStore {
    private final KeyStore delegate;
    final AtomicLong digestLookups = new AtomicLong();
    final Set<KeyDigest> lookedUp = ConcurrentHashMap.newKeySet();

    CountingStore(KeyStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<KeyRecord> findByDigest(KeyDigest digest) {
        digestLookups.incrementAndGet();
        lookedUp.add(digest);
        return delegate.findByDigest(digest);
    }

    @Override
    public Optional<KeyRecord> findById(String id) {
        return delegate.findById(id);
    }

    @Override
    public KeyRecord create(KeyRecord record) {
        return delegate.create(record);
    }

    @Override
    public KeyRecord update(KeyRecord record) {
        return delegate.update(record);
    }

    @Override
    public List<KeyRecord> list(KeyQuery query) {
        return delegate.list(query);
    }
}
