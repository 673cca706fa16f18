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

    KeyManager(KeyManagerBuilder b) {
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
    public static KeyManagerBuilder builder(KeyStore store) {
        return new KeyManagerBuilder(store);
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
        String tenant = admit(request, "issue");
        Instant now = settings.clock().instant();
        ApiKey key = settings.format().generate(request.environment());
        KeyRecord record = request.toRecord(tenant, now).digest(settings.hasher().digest(key)).hint(key.hint()).build();
        KeyRecord stored = store.create(record);
        audit(LifecycleEvent.Action.ISSUE, stored.id(), null, null);
        return new IssuedKey(key, stored);
    }

    /**
     * Stores a key another system issued, from its plaintext or its SHA-256 digest, with the request's owner, scopes,
     * limits and expiry, under a new id; audited as {@link LifecycleEvent.Action#ISSUE} with the detail
     * {@code import=plaintext|digest legacy=true|false}. A plaintext that is a key of this deployment's format is
     * stored like an issued one (hashed with the deployment's hasher; its environment is the key's). Anything else is
     * a {@linkplain KeyRecord#legacy() legacy} key: stored as the plain SHA-256 of its text, it verifies only when
     * the verifier's legacy path is on, and the key review reports it until it is rotated. The plaintext is hashed
     * here and kept nowhere.
     *
     * @throws dev.apikey.spi.DuplicateKeyException if a key with the same digest is already stored (imported before)
     * @throws InvalidConfigurationException         if the expiry is not in the future
     * @throws NotPermittedException                 as for {@link #issue}
     */
    public KeyRecord importKey(ImportedKey imported) {
        Objects.requireNonNull(imported, "imported");
        KeyRequest request = imported.request();
        String tenant = admit(request, "import");
        ApiKey parsed = imported.plaintext() == null ? null : settings.format().tryParse(imported.plaintext());
        KeyRecord.Builder b = request.toRecord(tenant, settings.clock().instant());
        if (parsed != null) {
            b.digest(settings.hasher().digest(parsed)).hint(parsed.hint()).environment(parsed.environment());
        } else {
            b.digest(imported.legacyDigest()).hint(imported.hint()).legacy(true);
        }
        KeyRecord stored = store.create(b.build());
        audit(LifecycleEvent.Action.ISSUE, stored.id(), null, "import=" + (imported.plaintext() == null ? "digest" : "plaintext")
                + " legacy=" + stored.legacy());
        return stored;
    }

    /** The tenant a new key of {@code request} gets, once the actor may make it; a refusal is audited. */
    private String admit(KeyRequest request, String action) {
        try {
            String tenant = actor.tenantFor(request.tenant());
            actor.checkMayGrant(request.scopes(), action + " a key with");
            return tenant;
        } catch (NotPermittedException e) {
            audit(LifecycleEvent.Action.DENIED, "-", null, "action=" + action);
            throw e;
        }
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
        KeyRecord old = require(id, "rotate");
        checkMayGrant(old.scopes(), "rotate " + old.id() + ", which holds", old.id(), "rotate");
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
                .legacy(false)                  // the successor is a key of the format: rotating is how legacy ends
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
        audit(LifecycleEvent.Action.ROTATE, old.id(), stored.id(), null);
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
        KeyRecord revoked = modify(id, "revoke", KeyManager::revoked, LifecycleEvent.Action.REVOKE, null);
        Set<String> seen = new HashSet<>();
        seen.add(revoked.id());
        for (String previous = revoked.replaces(); previous != null && seen.add(previous); ) {
            Optional<KeyRecord> predecessor = visible(previous, null);
            if (predecessor.isEmpty()) {
                break;
            }
            modify(previous, "revoke", KeyManager::revoked, LifecycleEvent.Action.REVOKE, revoked.id());
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
        return modify(id, "suspend", r -> switch (r.status()) {
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
        checkMayGrant(require(id, "resume").scopes(), "resume " + id + ", which holds", id, "resume");
        return modify(id, "resume", r -> switch (r.status()) {
            case ACTIVE -> null;
            case REVOKED -> throw new KeyStateException("key " + r.id() + " is revoked and cannot be resumed");
            case SUSPENDED -> r.toBuilder().status(KeyStatus.ACTIVE).build();
        }, LifecycleEvent.Action.RESUME, null);
    }

    /**
     * Changes a key's settings in place, if its stored version is still {@code expectedVersion} (the version the
     * caller read; the admin API's {@code If-Match}), and audits one {@link LifecycleEvent.Action#UPDATE} naming the
     * changed fields. An update may hand out again what the key holds, so the actor must hold the key's scopes
     * before and after it, as for {@link #resume}.
     *
     * @throws VersionConflictException      if the key's version is not {@code expectedVersion}: it changed since
     * @throws KeyNotFoundException          if no key has this id (that the actor may see)
     * @throws NotPermittedException         if the actor does not hold every scope of the key, before or after
     * @throws KeyStateException             if the key is revoked, or was rotated (update its successor instead)
     * @throws InvalidConfigurationException if the update is empty, sets an expiry not in the future, or makes an
     *                                       invalid record
     */
    public KeyRecord update(String id, long expectedVersion, KeyUpdate update) {
        return update(require(id, "update"), expectedVersion, update);
    }

    /**
     * {@link #update(String, long, KeyUpdate)} on whatever the current version is, retried if the key changes
     * meanwhile: for callers that do not hold a version they read (the CLI without {@code --if-version}).
     */
    public KeyRecord update(String id, KeyUpdate update) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            KeyRecord current = require(id, "update");
            try {
                return update(current, current.version(), update);
            } catch (VersionConflictException e) {
                Thread.onSpinWait();
            }
        }
        throw new VersionConflictException(id, -1, -1);
    }

    private KeyRecord update(KeyRecord current, long expectedVersion, KeyUpdate update) {
        Objects.requireNonNull(update, "update");
        String id = current.id();
        if (update.isEmpty()) {
            throw new InvalidConfigurationException("the update changes nothing; set at least one field");
        }
        if (current.version() != expectedVersion) {
            throw new VersionConflictException(id, expectedVersion, current.version());
        }
        checkMayGrant(current.scopes(), "update " + id + ", which holds", id, "update");
        checkMayGrant(update.scopesAfter(current), "give " + id + " the scopes", id, "update");
        if (current.status() == KeyStatus.REVOKED) {
            throw new KeyStateException("key " + id + " is revoked and cannot be updated");
        }
        if (current.replacedBy() != null) {
            throw new KeyStateException("key " + id + " was rotated to " + current.replacedBy()
                    + " and ends with its grace period; update the successor instead");
        }
        Instant expires = update.expiresAt();
        if (expires != null && !expires.isAfter(settings.clock().instant())) {
            throw new InvalidConfigurationException("expiresAt must be in the future");
        }
        KeyRecord stored = store.update(update.applyTo(current));
        audit(LifecycleEvent.Action.UPDATE, id, null, "fields=" + String.join(",", update.fields()));
        return stored;
    }

    /**
     * The record with this id, if any (and if the actor may see it: a tenant-bound actor sees its tenant's keys only;
     * asking for another tenant's key is audited as {@link LifecycleEvent.Action#DENIED}).
     */
    public Optional<KeyRecord> get(String id) {
        return visible(id, "read");
    }

    /** The record if the actor may see it; a hidden one is audited as denied {@code attempted} unless that is null. */
    private Optional<KeyRecord> visible(String id, String attempted) {
        if (!KeyIds.isValid(id)) {
            return Optional.empty();
        }
        Optional<KeyRecord> found = store.findById(id);
        if (found.isPresent() && !actor.sees(found.get())) {
            if (attempted != null) {
                audit(LifecycleEvent.Action.DENIED, id, null, "action=" + attempted + " reason=tenant");
            }
            return Optional.empty();
        }
        return found;
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
        return modify(id, null, change, null, null);
    }

    /** {@link #modify(String, UnaryOperator)} that audits {@code action} when it stored a change. */
    private KeyRecord modify(String id, String attempted, UnaryOperator<KeyRecord> change, LifecycleEvent.Action action,
                             String successor) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            KeyRecord current = require(id, attempt == 0 ? attempted : null);
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
                audit(action, stored.id(), successor, null);
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
        audit(LifecycleEvent.Action.LEAK, require(id, "report").id(), null, null);
    }

    /** {@link Actor#checkMayGrant}, auditing a refusal as denied {@code attempted} on {@code target}. */
    private void checkMayGrant(ScopeSet scopes, String what, String target, String attempted) {
        try {
            actor.checkMayGrant(scopes, what);
        } catch (NotPermittedException e) {
            audit(LifecycleEvent.Action.DENIED, target, null, "action=" + attempted + " reason=scopes");
            throw e;
        }
    }

    /** Reports a stored change (or a refusal); a failing sink is logged and never undoes the change. */
    private void audit(LifecycleEvent.Action action, String target, String successor, String detail) {
        try {
            audit.lifecycle(new LifecycleEvent(settings.clock().instant(), action, actor.id(), target, successor, detail));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "audit sink failed: " + e.getClass().getName());
        }
    }

    /** The record the actor may see, else {@link KeyNotFoundException}; a hidden one is audited as denied. */
    private KeyRecord require(String id, String attempted) {
        return visible(id, attempted).orElseThrow(() -> new KeyNotFoundException(id));
    }
}
