package dev.apikey;

import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.VersionConflictException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The key-management façade: issue, rotate, revoke, suspend, resume, get, list. Every change is a
 * read-modify-write with the store's version check, retried on conflict, so concurrent changes
 * (another admin, a last-used update) are never lost. Thread-safe.
 */
public final class KeyManager {
    private static final int MAX_ATTEMPTS = 16;

    private final KeyStore store;
    private final KeyFormat format;
    private final KeyHasher hasher;
    private final Clock clock;

    private KeyManager(Builder b) {
        this.store = b.store;
        this.format = b.format;
        this.hasher = b.hasher;
        this.clock = b.clock;
    }

    /** A builder; only the store is required. */
    public static Builder builder(KeyStore store) {
        return new Builder(store);
    }

    /** The store this manager writes to. */
    public KeyStore store() {
        return store;
    }

    /** The key format of this deployment. */
    public KeyFormat format() {
        return format;
    }

    /** The hasher of this deployment. */
    public KeyHasher hasher() {
        return hasher;
    }

    /** The clock. */
    public Clock clock() {
        return clock;
    }

    /**
     * Issues a key. The plaintext is in the result and nowhere else: it is not stored and not logged.
     *
     * @throws InvalidConfigurationException if the request's expiry is not in the future
     */
    public IssuedKey issue(KeyRequest request) {
        Objects.requireNonNull(request, "request");
        Instant now = clock.instant();
        Instant expires = request.expiresAt(now);
        if (expires != null && !expires.isAfter(now)) {
            throw new InvalidConfigurationException("expiresAt must be in the future");
        }
        ApiKey key = format.generate(request.environment());
        KeyRecord record = KeyRecord.builder()
                .id(KeyIds.newId())
                .digest(hasher.digest(key))
                .hint(key.hint())
                .owner(request.owner())
                .tenant(request.tenant())
                .environment(request.environment())
                .scopes(request.scopes())
                .allowedCidrs(request.allowedCidrs())
                .created(now)
                .notBefore(request.notBefore())
                .expires(expires)
                .rateLimitPolicy(request.rateLimitPolicy())
                .quota(request.quota())
                .credits(request.credits())
                .labels(request.labels())
                .build();
        return new IssuedKey(key, store.create(record));
    }

    /**
     * Issues a successor with the same metadata and lets the old key work for {@code gracePeriod} more
     * (never past its own expiry; zero ends it at once).
     *
     * @throws KeyNotFoundException if no key has this id
     * @throws KeyStateException    if the key is revoked, or already rotated
     */
    public IssuedKey rotate(String id, Duration gracePeriod) {
        if (gracePeriod == null || gracePeriod.isNegative()) {
            throw new InvalidConfigurationException("gracePeriod must be zero or positive, got " + gracePeriod);
        }
        KeyRecord old = require(id);
        checkRotatable(old);
        Instant now = clock.instant();
        ApiKey key = format.generate(old.environment());
        KeyRecord successor = old.toBuilder()
                .id(KeyIds.newId())
                .digest(hasher.digest(key))
                .hint(key.hint())
                .created(now)
                .status(old.status())
                .lastUsed(null)
                .replaces(old.id())
                .replacedBy(null)
                .lineage(old.lineage())
                .version(0)
                .build();
        KeyRecord stored = store.create(successor);
        Instant graceEnd = now.plus(gracePeriod);
        try {
            modify(id, r -> {
                checkRotatable(r);
                Instant end = r.expires() == null || graceEnd.isBefore(r.expires()) ? graceEnd : r.expires();
                Instant notBefore = r.notBefore() != null && !r.notBefore().isBefore(end) ? null : r.notBefore();
                return r.toBuilder().replacedBy(stored.id()).expires(end).notBefore(notBefore).build();
            });
        } catch (RuntimeException e) {
            // The old key could not be linked: do not leave a second live key behind.
            modify(stored.id(), r -> r.toBuilder().status(KeyStatus.REVOKED).build());
            throw e;
        }
        return new IssuedKey(key, stored);
    }

    private static void checkRotatable(KeyRecord r) {
        if (r.status() == KeyStatus.REVOKED) {
            throw new KeyStateException("key " + r.id() + " is revoked and cannot be rotated");
        }
        if (r.replacedBy() != null) {
            throw new KeyStateException("key " + r.id() + " was already rotated to " + r.replacedBy());
        }
    }

    /**
     * Revokes a key for good (a tombstone; the record stays). Revoking a revoked key changes nothing.
     *
     * @throws KeyNotFoundException if no key has this id
     */
    public KeyRecord revoke(String id) {
        return modify(id, r -> r.status() == KeyStatus.REVOKED ? null : r.toBuilder().status(KeyStatus.REVOKED).build());
    }

    /**
     * Suspends an active key; {@link #resume} undoes it. Suspending a suspended key changes nothing.
     *
     * @throws KeyStateException if the key is revoked
     */
    public KeyRecord suspend(String id) {
        return modify(id, r -> switch (r.status()) {
            case SUSPENDED -> null;
            case REVOKED -> throw new KeyStateException("key " + r.id() + " is revoked and cannot be suspended");
            case ACTIVE -> r.toBuilder().status(KeyStatus.SUSPENDED).build();
        });
    }

    /**
     * Makes a suspended key active again. Resuming an active key changes nothing.
     *
     * @throws KeyStateException if the key is revoked
     */
    public KeyRecord resume(String id) {
        return modify(id, r -> switch (r.status()) {
            case ACTIVE -> null;
            case REVOKED -> throw new KeyStateException("key " + r.id() + " is revoked and cannot be resumed");
            case SUSPENDED -> r.toBuilder().status(KeyStatus.ACTIVE).build();
        });
    }

    /** The record with this id, if any. */
    public Optional<KeyRecord> get(String id) {
        if (!KeyIds.isValid(id)) {
            return Optional.empty();
        }
        return store.findById(id);
    }

    /** Records matching {@code query}. */
    public List<KeyRecord> list(KeyQuery query) {
        return store.list(Objects.requireNonNull(query, "query"));
    }

    /**
     * Applies {@code change} to the current record and stores it, retrying on version conflicts.
     * {@code change} returns {@code null} for "nothing to do".
     */
    private KeyRecord modify(String id, UnaryOperator<KeyRecord> change) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            KeyRecord current = require(id);
            KeyRecord next = change.apply(current);
            if (next == null) {
                return current;
            }
            try {
                return store.update(next);
            } catch (VersionConflictException e) {
                Thread.onSpinWait();
            }
        }
        throw new VersionConflictException(id, -1, -1);
    }

    private KeyRecord require(String id) {
        return get(id).orElseThrow(() -> new KeyNotFoundException(id));
    }

    /** Builder for {@link KeyManager}. */
    public static final class Builder {
        private final KeyStore store;
        private KeyFormat format = KeyFormat.ofDefaults();
        private KeyHasher hasher = KeyHasher.sha256();
        private Clock clock = Clock.systemUTC();

        private Builder(KeyStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** The key format (default prefix {@code ak}). */
        public Builder format(KeyFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /** The hasher (default SHA-256). */
        public Builder hasher(KeyHasher hasher) {
            this.hasher = Objects.requireNonNull(hasher, "hasher");
            return this;
        }

        /** The clock (default system UTC); tests pass a fake one. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Builds the manager. */
        public KeyManager build() {
            return new KeyManager(this);
        }
    }
}
