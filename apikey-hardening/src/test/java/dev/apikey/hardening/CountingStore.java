package dev.apikey.hardening;

import dev.apikey.KeyDigest;
import dev.apikey.spi.ForwardingKeyStore;
import dev.apikey.spi.KeyStore;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Wraps a store and remembers every digest looked up, so tests can prove which credentials cost a lookup. */
final class CountingStore extends ForwardingKeyStore {
    final AtomicLong digestLookups = new AtomicLong();
    final Set<KeyDigest> lookedUp = ConcurrentHashMap.newKeySet();

    CountingStore(KeyStore delegate) {
        super(delegate);
    }

    @Override
    protected void beforeLookup(KeyDigest digest) {
        digestLookups.incrementAndGet();
        lookedUp.add(digest);
    }
}
