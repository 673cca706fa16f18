package dev.apikey.hardening;

import dev.apikey.KeyDigest;
import dev.apikey.KeyRecord;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.StoreUnavailableException;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** A store that serves a delegate, throws, or hangs (until {@link #release()}) on lookups, as the test sets. */
final class FaultyStore implements KeyStore {
    enum Mode { SERVE, THROW, HANG }

    private final KeyStore delegate;
    private volatile Mode mode = Mode.SERVE;
    private volatile CountDownLatch hang = new CountDownLatch(1);

    FaultyStore(KeyStore delegate) {
        this.delegate = delegate;
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
    public Optional<KeyRecord> findByDigest(KeyDigest digest) {
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
