package dev.apikey.servlet;

import dev.apikey.ApiKeyPrincipal;
import jakarta.servlet.ServletRequest;

import java.util.Optional;

/**
 * Reads the authenticated key in a servlet, filter or JSP behind {@link ApiKeyFilter}:
 * <pre>{@code
 * ApiKeyPrincipal key = ApiKeys.principal(request).orElseThrow();
 * String plan = key.label("plan");      // labels set when the key was issued
 * String customer = key.owner();
 * }</pre>
 */
public final class ApiKeys {
    private ApiKeys() {
    }

    /**
     * The key that authenticated {@code request}, from the request attribute
     * {@link ApiKeyPrincipal#REQUEST_ATTRIBUTE} that the filter sets (so it also works on a request another filter
     * wrapped); empty for a request the filter did not authenticate (a public path, or no filter in front).
     */
    public static Optional<ApiKeyPrincipal> principal(ServletRequest request) {
        return request != null && request.getAttribute(ApiKeyPrincipal.REQUEST_ATTRIBUTE) instanceof ApiKeyPrincipal p
                ? Optional.of(p) : Optional.empty();
    }
}
