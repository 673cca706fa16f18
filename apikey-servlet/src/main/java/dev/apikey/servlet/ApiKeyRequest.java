package dev.apikey.servlet;

import dev.apikey.ApiKeyPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

/** The request as filters and servlets after {@link ApiKeyFilter} see it: authenticated by a key. */
final class ApiKeyRequest extends HttpServletRequestWrapper {
    private final ApiKeyPrincipal principal;
    private final String hiddenHeader;

    /**
     * @param hiddenHeader the key header to hide (with {@code Authorization} when it carries a key), or
     *                     {@code null} to hide nothing
     */
    ApiKeyRequest(HttpServletRequest request, ApiKeyPrincipal principal, String hiddenHeader) {
        super(request);
        this.principal = principal;
        this.hiddenHeader = hiddenHeader;
    }

    @Override
    public Principal getUserPrincipal() {
        return principal;
    }

    @Override
    public String getRemoteUser() {
        return principal.getName();
    }

    /** Scope semantics: {@code billing:read} is held by a key granted {@code billing:read} or {@code billing:*}. */
    @Override
    public boolean isUserInRole(String role) {
        return principal.hasScope(role);
    }

    @Override
    public String getAuthType() {
        return ApiKeyPrincipal.AUTH_TYPE;
    }

    @Override
    public String getHeader(String name) {
        return hidden(name) ? null : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
    }

    @Override
    public long getDateHeader(String name) {
        return hidden(name) ? -1 : super.getDateHeader(name);
    }

    @Override
    public int getIntHeader(String name) {
        return hidden(name) ? -1 : super.getIntHeader(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        Enumeration<String> names = super.getHeaderNames();
        if (hiddenHeader == null || names == null) {
            return names;
        }
        List<String> kept = new ArrayList<>();
        while (names.hasMoreElements()) {
            String n = names.nextElement();
            if (!hidden(n)) {
                kept.add(n);
            }
        }
        return Collections.enumeration(kept);
    }

    private boolean hidden(String name) {
        if (hiddenHeader == null || name == null) {
            return false;
        }
        if (name.equalsIgnoreCase(hiddenHeader)) {
            return true;
        }
        return name.equalsIgnoreCase("Authorization") && carriesKey(super.getHeaders("Authorization"));
    }

    /** True if an Authorization value uses a scheme that carries API keys (Bearer or ApiKey). */
    private static boolean carriesKey(Enumeration<String> values) {
        if (values == null) {
            return false;
        }
        while (values.hasMoreElements()) {
            String v = values.nextElement().stripLeading().toLowerCase(Locale.ROOT);
            if (v.startsWith("bearer") || v.startsWith("apikey")) {
                return true;
            }
        }
        return false;
    }
}
