package dev.apikey;

import java.security.Principal;
import java.util.Map;
import java.util.Objects;

/**
 * The authenticated key, as the adapters put it on the request. {@link #getName()} is the key id. An application
 * reads who called from it: the owner, the tenant and the labels the key was issued with (for example a customer
 * number or a plan), without another store lookup. Servlet applications get it from
 * {@code dev.apikey.servlet.ApiKeys.principal(request)}, JAX-RS resources from
 * {@code dev.apikey.jaxrs.ApiKeys.principal(securityContext)}. Holds no secret: neither the key nor its digest.
 *
 * @param id          the key id ({@code key_...})
 * @param owner       the owner the key was issued to
 * @param tenant      the tenant, or {@code null}
 * @param environment live or test
 * @param scopes      granted scopes
 * @param hint        the display hint ({@code ak_live_…x9Qz})
 * @param labels      the key's labels (free-form metadata set at issue or update), never null, unmodifiable
 */
public record ApiKeyPrincipal(String id, String owner, String tenant, Environment environment, ScopeSet scopes,
                              String hint, Map<String, String> labels) implements Principal {
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
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** The principal for a stored record. */
    public static ApiKeyPrincipal of(KeyRecord r) {
        return new ApiKeyPrincipal(r.id(), r.owner(), r.tenant(), r.environment(), r.scopes(), r.hint(), r.labels());
    }

    /** The value of the label {@code name}, or {@code null} if the key has no such label. */
    public String label(String name) {
        return name == null ? null : labels.get(name);
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
