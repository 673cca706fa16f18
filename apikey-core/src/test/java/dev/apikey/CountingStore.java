package dev.apikey;

import dev.apikey.spi.ForwardingKeyStore;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.StoreUnavailableException;

import java.util.concurrent.atomic.AtomicInteger;

/** A store wrapper that counts lookups and can be switched to fail, for pipeline tests. */
final class CountingStore extends ForwardingKeyStore {
    final AtomicInteger digestLookups = new AtomicInteger();
    volatile boolean failing;

    CountingStore(KeyStore delegate) {
        super(delegate);
    }

    @Override
    protected void beforeLookup(KeyDigest digest) {
        digestLookups.incrementAndGet();
    }

    @Override
    protected void beforeCall() {
        if (failing) {
            throw new StoreUnavailableException("store down (test) at jdbc://secret-host");
        }
    }
}
