package dev.apikey.jaxrs;

import dev.apikey.ApiKeyPrincipal;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.SecurityContext;

import java.util.Optional;

/**
 * Typed access to the authenticated key from resource and filter code:
 *
 * <pre>{@code
 * @GET @Path("whoami")
 * public Map<String, Object> whoami(@Context SecurityContext security) {
 *     ApiKeyPrincipal key = ApiKeys.principal(security).orElseThrow(NotAuthorizedException::new);
 *     ...
 * }
 * }</pre>
 */
public final class ApiKeys {
    private ApiKeys() {
    }

    /** The key that authenticated the request, or empty if it was not authenticated by an API key (a public method). */
    public static Optional<ApiKeyPrincipal> principal(SecurityContext securityContext) {
        return securityContext != null && securityContext.getUserPrincipal() instanceof ApiKeyPrincipal p
                ? Optional.of(p) : Optional.empty();
    }

    /**
     * The key that authenticated the request, read from the request property
     * {@link ApiKeyPrincipal#REQUEST_ATTRIBUTE}; empty if none. Works in filters that run after authentication.
     */
    public static Optional<ApiKeyPrincipal> principal(ContainerRequestContext request) {
        return request.getProperty(ApiKeyPrincipal.REQUEST_ATTRIBUTE) instanceof ApiKeyPrincipal p
                ? Optional.of(p) : Optional.empty();
    }
}
