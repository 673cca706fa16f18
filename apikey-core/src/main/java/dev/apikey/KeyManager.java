package dev.apikey;

import dev.apikey.local.LoggingAuditSink;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.LifecycleEvent;
import dev.apikey.spi.VersionConflictException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The key-management façade: issue, rotate, revoke, suspend, resume, get, list. Every change is a
 * read-modify-write with the store's version check, retried on conflict, so concurrent changes
 * (another admin, a last-used update) are never lost, and every change is reported to the audit sink as a
 * {@link LifecycleEvent} naming the {@link Actor} and the key. A manager acts as {@link Actor#APPLICATION}
 * (unbounded); {@link #actingAs} gives a view bounded by an admin key's scopes and tenant. Thread-safe.
 */
public final class KeyManager {
    /** The longest grace period {@link #rotate} accepts unless the builder says otherwise. */
    public static final Duration DEFAULT_MAX_GRACE_PERIOD = Duration.ofDays(7);
    private static final System.Logger LOG = System.getLogger(KeyManager.class.getName());
    private static final int MAX_ATTEMPTS = 16;

    private final KeyStore store;
    private final KeySettings settings;
    private final Duration maxGracePeriod;
    private final AuditSink audit;
    private final Actor actor;

    private KeyManager(Builder b) {
        this.store = b.store;
        this.settings = b.settings.build();
        this.maxGracePeriod = b.maxGracePeriod;
        this.audit = b.audit;
        this.actor = Actor.APPLICATION;
    }

    private KeyManager(KeyManager base, Actor actor) {
        this.store = base.store;
        this.settings = base.settings;
        this.maxGracePeriod = base.maxGracePeriod;
        this.audit = base.audit;
        this.actor = actor;
    }

    /** A builder; only the store is required. */
    public static Builder builder(KeyStore store) {
        return new Builder(store);
    }

    /** The store this manager writes to. */
    public KeyStore store() {
        return store;
    }

    /** The format, hasher and clock of this deployment; give them to the verifier with {@link VerifierBuilder#settings}. */
    public KeySettings settings() {
        return settings;
    }

    /** The key format of this deployment. */
    public KeyFormat format() {
        return settings.format();
    }

    /** The hasher of this deployment. */
    public KeyHasher hasher() {
        return settings.hasher();
    }

    /** The clock. */
    public Clock clock() {
        return settings.clock();
    }

    /** The longest grace period {@link #rotate} accepts. */
    public Duration maxGracePeriod() {
        return maxGracePeriod;
    }

    /** Who this manager's changes are made by, and audited as. */
    public Actor actor() {
        return actor;
    }

    /**
     * This manager acting as {@code actor}: same store and settings, its changes audited under the actor's id and,
     * for an actor that is a key, bounded by its scopes and tenant (see {@link Actor}). Cheap: one per request is fine.
     */
    public KeyManager actingAs(Actor actor) {
        return new KeyManager(this, Objects.requireNonNull(actor, "actor"));
    }

    /**
     * Issues a key. The plaintext is in the result and nowhere else: it is not stored and not logged. A key issued
     * by a tenant-bound actor gets the actor's tenant.
     *
     * @throws InvalidConfigurationException if the request's expiry is not in the future
     * @throws NotPermittedException         if the actor does not hold every requested scope, or asks for another
     *                                       tenant than its own
     */
    public IssuedKey issue(KeyRequest request) {
        Objects.requireNonNull(request, "request");
        String tenant = actor.tenantFor(request.tenant());
        actor.checkMayGrant(request.scopes(), "issue a key with");
        Instant now = settings.clock().instant();
        Instant expires = request.expiresAt(now);
        if (expires != null && !expires.isAfter(now)) {
            throw new InvalidConfigurationException("expiresAt must be in the future");
        }
        ApiKey key = settings.format().generate(request.environment());
        KeyRecord record = KeyRecord.builder()
                .id(KeyIds.newId())
                .digest(settings.hasher().digest(key))
                .hint(key.hint())
                .owner(request.owner())
                .tenant(tenant)
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
        KeyRecord stored = store.create(record);
        audit(LifecycleEvent.Action.ISSUE, stored.id(), null);
        return new IssuedKey(key, stored);
    }

    /**
     * Issues a successor with the same metadata and lets the old key work for {@code gracePeriod} more
     * (never past its own expiry; zero ends it at once).
     *
     * @throws InvalidConfigurationException if {@code gracePeriod} is negative or longer than {@link #maxGracePeriod()}
     * @throws KeyNotFoundException          if no key has this id (that the actor may see)
     * @throws NotPermittedException         if the actor does not hold every scope of the key: the successor gets them
     * @throws KeyStateException             if the key is revoked, or already rotated
     */
    public IssuedKey rotate(String id, Duration gracePeriod) {
        if (gracePeriod == null || gracePeriod.isNegative()) {
            throw new InvalidConfigurationException("gracePeriod must be zero or positive, got " + gracePeriod);
        }
        if (gracePeriod.compareTo(maxGracePeriod) > 0) {
            throw new InvalidConfigurationException("gracePeriod must be at most " + maxGracePeriod + ", got " + gracePeriod);
        }
        KeyRecord old = require(id);
        actor.checkMayGrant(old.scopes(), "rotate " + old.id() + ", which holds");
        checkRotatable(old);
        Instant now = settings.clock().instant();
        ApiKey key = settings.format().generate(old.environment());
        KeyRecord successor = old.toBuilder()
                .id(KeyIds.newId())
                .digest(settings.hasher().digest(key))
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
        audit(LifecycleEvent.Action.ROTATE, old.id(), stored.id());
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
     * Revokes a key for good (a tombstone; the record stays), and with it every key it replaced by rotation,
     * following {@link KeyRecord#replaces()} back to the start of the chain: a predecessor still in its grace period
     * must not outlive the successor that was revoked (perhaps because it leaked along with the old key). A
     * predecessor whose grace has ended is revoked too, which changes nothing about what it can do and keeps the
     * rule simple; already revoked keys stay as they are, and the walk stops at a key the actor may not see.
     * Revoking a key does not touch its successor. Revoking a revoked key changes nothing but still walks back.
     *
     * @return the revoked record of {@code id}
     * @throws KeyNotFoundException if no key has this id (that the actor may see)
     */
    public KeyRecord revoke(String id) {
        KeyRecord revoked = modify(id, KeyManager::revoked, LifecycleEvent.Action.REVOKE, null);
        Set<String> seen = new HashSet<>();
        seen.add(revoked.id());
        for (String previous = revoked.replaces(); previous != null && seen.add(previous); ) {
            Optional<KeyRecord> predecessor = get(previous);
            if (predecessor.isEmpty()) {
                break;
            }
            modify(previous, KeyManager::revoked, LifecycleEvent.Action.REVOKE, revoked.id());
            previous = predecessor.get().replaces();
        }
        return revoked;
    }

    private static KeyRecord revoked(KeyRecord r) {
        return r.status() == KeyStatus.REVOKED ? null : r.toBuilder().status(KeyStatus.REVOKED).build();
    }

    /**
     * Suspends an active key; {@link #resume} undoes it. Suspending a suspended key changes nothing.
     *
     * @throws KeyNotFoundException if no key has this id (that the actor may see)
     * @throws KeyStateException    if the key is revoked
     */
    public KeyRecord suspend(String id) {
        return modify(id, r -> switch (r.status()) {
            case SUSPENDED -> null;
            case REVOKED -> throw new KeyStateException("key " + r.id() + " is revoked and cannot be suspended");
            case ACTIVE -> r.toBuilder().status(KeyStatus.SUSPENDED).build();
        }, LifecycleEvent.Action.SUSPEND, null);
    }

    /**
     * Makes a suspended key active again. Resuming an active key changes nothing.
     *
     * @throws KeyNotFoundException  if no key has this id (that the actor may see)
     * @throws NotPermittedException if the actor does not hold every scope of the key: resuming hands them out again
     * @throws KeyStateException     if the key is revoked
     */
    public KeyRecord resume(String id) {
        actor.checkMayGrant(require(id).scopes(), "resume " + id + ", which holds");
        return modify(id, r -> switch (r.status()) {
            case ACTIVE -> null;
            case REVOKED -> throw new KeyStateException("key " + r.id() + " is revoked and cannot be resumed");
            case SUSPENDED -> r.toBuilder().status(KeyStatus.ACTIVE).build();
        }, LifecycleEvent.Action.RESUME, null);
    }

    /** The record with this id, if any (and if the actor may see it: a tenant-bound actor sees its tenant's keys only). */
    public Optional<KeyRecord> get(String id) {
        if (!KeyIds.isValid(id)) {
            return Optional.empty();
        }
        return store.findById(id).filter(actor::sees);
    }

    /** Records matching {@code query} (that the actor may see), in id order; one page of them if it is paged. */
    public List<KeyRecord> list(KeyQuery query) {
        Objects.requireNonNull(query, "query");
        String tenant = actor.tenant();
        if (tenant == null) {
            return store.list(query);
        }
        if (query.tenant() != null && !query.tenant().equals(tenant)) {
            return List.of();
        }
        return store.list(new KeyQuery(query.owner(), tenant, query.after(), query.limit())).stream()
                .filter(actor::sees).toList();
    }

    /**
     * Applies {@code change} to the current record and stores it, retrying on version conflicts.
     * {@code change} returns {@code null} for "nothing to do".
     */
    private KeyRecord modify(String id, UnaryOperator<KeyRecord> change) {
        return modify(id, change, null, null);
    }

    /** {@link #modify(String, UnaryOperator)} that audits {@code action} when it stored a change. */
    private KeyRecord modify(String id, UnaryOperator<KeyRecord> change, LifecycleEvent.Action action, String successor) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            KeyRecord current = require(id);
            KeyRecord next = change.apply(current);
            if (next == null) {
                return current;
            }
            KeyRecord stored;
            try {
                stored = store.update(next);
            } catch (VersionConflictException e) {
                Thread.onSpinWait();
                continue;
            }
            if (action != null) {
                audit(action, stored.id(), successor);
            }
            return stored;
        }
        throw new VersionConflictException(id, -1, -1);
    }

    /**
     * Records that key {@code id} was reported found where it should not be (a {@link LifecycleEvent.Action#LEAK}
     * event by this manager's actor, the reporter); what is done about it is a change of its own.
     *
     * @throws KeyNotFoundException if no key has this id (that the actor may see)
     */
    public void recordLeak(String id) {
        audit(LifecycleEvent.Action.LEAK, require(id).id(), null);
    }

    /** Reports a stored change; a failing sink is logged and never undoes the change. */
    private void audit(LifecycleEvent.Action action, String target, String successor) {
        try {
            audit.lifecycle(new LifecycleEvent(settings.clock().instant(), action, actor.id(), target, successor));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "audit sink failed: " + e.getClass().getName());
        }
    }

    private KeyRecord require(String id) {
        return get(id).orElseThrow(() -> new KeyNotFoundException(id));
    }

    /** Builder for {@link KeyManager}. */
    public static final class Builder {
        private final KeyStore store;
        private KeySettings.Builder settings = KeySettings.custom();
        private Duration maxGracePeriod = DEFAULT_MAX_GRACE_PERIOD;
        private AuditSink audit = new LoggingAuditSink();

        private Builder(KeyStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** The format, hasher and clock, replacing those set before; share the value with the verifier. */
        public Builder settings(KeySettings settings) {
            this.settings = KeySettings.from(settings);
            return this;
        }

        /** See {@link KeySettings.Builder#format}. */
        public Builder format(KeyFormat format) {
            settings.format(format);
            return this;
        }

        /** See {@link KeySettings.Builder#hasher}. */
        public Builder hasher(KeyHasher hasher) {
            settings.hasher(hasher);
            return this;
        }

        /** See {@link KeySettings.Builder#clock}. */
        public Builder clock(Clock clock) {
            settings.clock(clock);
            return this;
        }

        /**
         * The longest grace period a rotation may give the old key (default 7 days, {@link #DEFAULT_MAX_GRACE_PERIOD}):
         * a rotation is usually a reaction to a leak, and a long grace keeps the leaked key alive.
         *
         * @throws InvalidConfigurationException if it is negative
         */
        public Builder maxGracePeriod(Duration maxGracePeriod) {
            if (maxGracePeriod == null || maxGracePeriod.isNegative()) {
                throw new InvalidConfigurationException("maxGracePeriod must be zero or positive, got " + maxGracePeriod);
            }
            this.maxGracePeriod = maxGracePeriod;
            return this;
        }

        /**
         * Where lifecycle changes are reported ({@link AuditSink#lifecycle}); default {@link LoggingAuditSink}, one
         * INFO line per change on {@value LoggingAuditSink#LIFECYCLE_LOGGER_NAME}.
         */
        public Builder auditSink(AuditSink audit) {
            this.audit = Objects.requireNonNull(audit, "auditSink");
            return this;
        }

        /** Builds the manager. */
        public KeyManager build() {
            return new KeyManager(this);
        }
    }
}
