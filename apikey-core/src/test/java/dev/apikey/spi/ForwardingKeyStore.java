package dev.apikey.spi;

import dev.apikey.KeyDigest;
import dev.apikey.KeyRecord;

import java.util.List;
import java.util.Optional;

/**
 * A store that forwards every call to another, with two hooks for tests: {@link #beforeLookup} runs before each
 * digest lookup (to count or to hang), {@link #beforeCall} before every call (to fail). Shipped in core's
 * test-jar so every module's fault-injecting or counting store is one small subclass.
 */
public class ForwardingKeyStore implements KeyStore {
    /** The store calls go to. */
    protected final KeyStore delegate;

    /** A store forwarding to {@code delegate}. */
    public ForwardingKeyStore(KeyStore delegate) {
        this.delegate = delegate;
    }

    /** Runs before every call; throw to simulate an unreachable store. Does nothing by default. */
    protected void beforeCall() {
    }

    /** Runs before each digest lookup, ahead of {@link #beforeCall}. Does nothing by default. */
    protected void beforeLookup(KeyDigest digest) {
    }

    @Override
    public Optional<KeyRecord> findByDigest(KeyDigest digest) {
        beforeLookup(digest);
        beforeCall();
        return delegate.findByDigest(digest);
    }

    @Override
    public Optional<KeyRecord> findById(String id) {
        beforeCall();
        return delegate.findById(id);
    }

    @Override
    public KeyRecord create(KeyRecord record) {
        beforeCall();
        return delegate.create(record);
    }

    @Override
    public KeyRecord update(KeyRecord record) {
        beforeCall();
        return delegate.update(record);
    }

    @Override
    public void recordUse(String id, java.time.Instant at) {
        beforeCall();
        delegate.recordUse(id, at);
    }

    @Override
    public List<KeyRecord> list(KeyQuery query) {
        beforeCall();
        return delegate.list(query);
    }
}
