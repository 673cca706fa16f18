package dev.apikey;

import java.security.Principal;
import java.util.Objects;

/**
 * The authenticated key, as the adapters put it on the request. {@link #getName()} is the key id.
 * Holds no secret: neither the key nor its digest.
 *
 * @param id          the key id ({@code key_...})
 * @param owner       the owner the key was issued to
 * @param tenant      the tenant, or {@code null}
 * @param environment live or test
 * @param scopes      granted scopes
 * @param hint        the display hint ({@code ak_live_…x9Qz})
 */
public record ApiKeyPrincipal(String id, String owner, String tenant, Environment environment, ScopeSet scopes,
                              String hint) implements Principal {
    /** The authentication scheme name adapters report ({@code getAuthType()}, {@code getAuthenticationScheme()}). */
    public static final String AUTH_TYPE = "APIKEY";
    /** The request attribute under which the adapters store the principal. */
    public static final String REQUEST_ATTRIBUTE = ApiKeyPrincipal.class.getName();

    /** Checks the required fields. */
    public ApiKeyPrincipal {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(scopes, "scopes");
    }

    /** The principal for a stored record. */
    public static ApiKeyPrincipal of(KeyRecord r) {
        return new ApiKeyPrincipal(r.id(), r.owner(), r.tenant(), r.environment(), r.scopes(), r.hint());
    }

    /** The key id. */
    @Override
    public String getName() {
        return id;
    }

    /**
     * True if the key holds {@code scope} (wildcards apply: {@code billing:*} holds {@code billing:read}).
     * A string that is not a scope is simply not held; this is what {@code isUserInRole} answers.
     */
    public boolean hasScope(String scope) {
        return scope != null && scopes.allowsName(scope);
    }

    @Override
    public String toString() {
        return "ApiKeyPrincipal[id=" + id + ", owner=" + owner + ", environment=" + environment.token()
                + ", scopes=" + scopes + "]";
    }
}
