package dev.apikey.hardening;

import dev.apikey.KeyDigest;
import dev.apikey.spi.ForwardingKeyStore;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.StoreUnavailableException;

import java.util.concurrent.CountDownLatch;

/** A store that serves a delegate, throws, or hangs (until {@link #release()}) on lookups, as the test sets. */
final class FaultyStore extends ForwardingKeyStore {
    enum Mode { SERVE, THROW, HANG }

    private volatile Mode mode = Mode.SERVE;
    private volatile CountDownLatch hang = new CountDownLatch(1);

    FaultyStore(KeyStore delegate) {
        super(delegate);
    }

    void mode(Mode m) {
        if (m == Mode.HANG) {
            hang = new CountDownLatch(1);
        }
        this.mode = m;
    }

    /** Lets hanging lookups return. */
    void release() {
        mode = Mode.SERVE;
        hang.countDown();
    }

    @Override
    protected void beforeLookup(KeyDigest digest) {
        switch (mode) {
            case THROW:
                // The message holds what a real driver's would: a host and a password-ish detail.
                throw new StoreUnavailableException("connection to db.internal:5432 refused (user=apikey password=hunter2)");
            case HANG:
                try {
                    hang.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailableException("lookup interrupted");
                }
                break;
            default:
                break;
        }
    }
}
