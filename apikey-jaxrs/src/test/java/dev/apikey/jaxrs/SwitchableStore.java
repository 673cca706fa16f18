package dev.apikey.jaxrs;

import dev.apikey.spi.ForwardingKeyStore;
import dev.apikey.spi.StoreUnavailableException;
import dev.apikey.store.InMemoryKeyStore;

/** An in-memory store that can be made unreachable, as a cluster store is when the cluster is gone. */
final class SwitchableStore extends ForwardingKeyStore {
    private volatile boolean down;

    SwitchableStore() {
        super(new InMemoryKeyStore());
    }

    void down(boolean down) {
        this.down = down;
    }

    @Override
    protected void beforeCall() {
        if (down) {
            throw new StoreUnavailableException("store at 10.0.0.7:5701 unreachable (test)");
        }
    }
}
