package dev.apikey.jaxrs;

import dev.apikey.ApiKeyPrincipal;
import jakarta.ws.rs.core.SecurityContext;

/**
 * The security context of a request authenticated by an API key: the principal is the {@link ApiKeyPrincipal},
 * roles are scopes ({@code isUserInRole("billing:read")} is true for a key holding {@code billing:read} or
 * {@code billing:*}), the scheme is {@value ApiKeyPrincipal#AUTH_TYPE}, and {@code isSecure} is the container's.
 */
final class ApiKeySecurityContext implements SecurityContext {
    private final ApiKeyPrincipal principal;
    private final boolean secure;

    ApiKeySecurityContext(ApiKeyPrincipal principal, boolean secure) {
        this.principal = principal;
        this.secure = secure;
    }

    @Override
    public ApiKeyPrincipal getUserPrincipal() {
        return principal;
    }

    @Override
    public boolean isUserInRole(String role) {
        return principal.hasScope(role);
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public String getAuthenticationScheme() {
        return ApiKeyPrincipal.AUTH_TYPE;
    }
}
