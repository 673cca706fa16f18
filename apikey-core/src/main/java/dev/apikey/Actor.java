package dev.apikey;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Who makes a lifecycle change through a {@link KeyManager} ({@link KeyManager#actingAs}): an API key, as on the
 * admin API, or a named actor without a key (the CLI, the application's own code).
 *
 * <p>An actor {@linkplain #of(ApiKeyPrincipal) that is a key} is bounded by it:
 * <ul>
 *   <li>it grants only scopes it holds itself, wildcards counted as in verification: a key holding {@code billing:*}
 *       may issue {@code billing:read} or {@code billing:*}, not {@code *} or {@code reports:read}. Rotating a key
 *       or resuming it hands its scopes out again, so the actor must hold them too; revoking and suspending only
 *       take access away and need no scope;</li>
 *   <li>a key with a tenant sees and changes only keys of that tenant (others look missing), and the keys it issues
 *       get its tenant. A key without a tenant is a deployment-wide admin: it sees every key of every tenant.</li>
 * </ul>
 * A {@linkplain #named named} actor is not bounded: it stands for whoever can already reach the store. Every change
 * is audited with the actor's {@link #id()}.
 */
public final class Actor {
    /** The actor of a manager that was not given one: the application's own code. */
    public static final Actor APPLICATION = new Actor("application", null, null);

    private final String id;
    private final String tenant;
    private final ScopeSet scopes;

    private Actor(String id, String tenant, ScopeSet scopes) {
        this.id = id;
        this.tenant = tenant;
        this.scopes = scopes;
    }

    /** The key that authenticated an admin request, bounded by its scopes and tenant. */
    public static Actor of(ApiKeyPrincipal key) {
        Objects.requireNonNull(key, "key");
        return new Actor(key.id(), key.tenant(), key.scopes());
    }

    /**
     * An unbounded actor without a key, audited under {@code name} (1-64 chars of {@code [A-Za-z0-9_.:@-]}, not
     * shaped like a key id), e.g. {@code cli}.
     *
     * @throws InvalidConfigurationException if the name is not of that shape
     */
    public static Actor named(String name) {
        if (name == null || name.isEmpty() || name.length() > 64 || KeyIds.isValid(name)
                || !name.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '_' || c == '.' || c == ':' || c == '@' || c == '-')) {
            throw new InvalidConfigurationException("actor name must be 1-64 chars of [A-Za-z0-9_.:@-] and not a key id, got '"
                    + Text.safe(name) + "'");
        }
        return new Actor(name, null, null);
    }

    /** The acting key's id, or the name of an actor without a key; what the audit trail shows. */
    public String id() {
        return id;
    }

    /** The tenant this actor is confined to, or {@code null} for every tenant. */
    public String tenant() {
        return tenant;
    }

    /** True if this actor is a key, bounded by its scopes and tenant. */
    public boolean isKey() {
        return scopes != null;
    }

    /** True if the actor may see and change {@code r}: its tenant's keys, or every key for an actor without one. */
    boolean sees(KeyRecord r) {
        return tenant == null || tenant.equals(r.tenant());
    }

    /**
     * The tenant a key issued by this actor gets: the requested one, or the actor's own.
     *
     * @throws NotPermittedException if a tenant-bound actor asks for another tenant
     */
    String tenantFor(String requested) {
        if (tenant == null || requested == null) {
            return requested == null ? tenant : requested;
        }
        if (!tenant.equals(requested)) {
            throw new NotPermittedException("acting key " + id + " belongs to a tenant and may issue keys for that tenant only");
        }
        return requested;
    }

    /**
     * Checks that the actor holds every scope of {@code granted}. {@link ScopeSet#allows} is the verifier's own
     * matching; given a wildcard it asks for a held scope that covers it ({@code billing:*} covers {@code billing:*}
     * and {@code billing:x:*}, {@code billing:read} covers neither), so a grant can never reach past what is held.
     *
     * @param what the change, for the message ("issue a key with", "rotate key_... with")
     * @throws NotPermittedException naming the scopes the actor does not hold
     */
    void checkMayGrant(ScopeSet granted, String what) {
        if (scopes == null) {
            return;
        }
        List<String> missing = new ArrayList<>();
        for (Scope s : granted.asSet()) {
            if (!scopes.allows(s)) {
                missing.add(s.value());
            }
        }
        if (!missing.isEmpty()) {
            missing.sort(null);
            throw new NotPermittedException("acting key " + id + " cannot " + what + " " + missing
                    + ": it does not hold them");
        }
    }

    @Override
    public String toString() {
        return "Actor[" + id + (tenant != null ? ", tenant=" + Text.safe(tenant) : "") + (scopes != null ? ", scopes=" + scopes : "") + "]";
    }
}
