package dev.apikey.jaxrs;

import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyPrincipal;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.Decision;
import dev.apikey.HttpHeader;
import dev.apikey.ScopeRequirement;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The filter bound to one resource method: it already knows the method's requirement, asks the verifier once
 * per request and writes the decision back. Immutable; makes no decision of its own.
 */
@Priority(Priorities.AUTHENTICATION)
final class ApiKeyFilter implements ContainerRequestFilter, ContainerResponseFilter {
    /** The request property under which an allowed request's {@link Decision} waits for the response filter. */
    static final String DECISION_PROPERTY = "dev.apikey.jaxrs.decision";

    private final ApiKeyVerifier verifier;
    private final ScopeRequirement requirement;
    private final Function<ContainerRequestContext, String> remoteAddress;

    ApiKeyFilter(ApiKeyVerifier verifier, ScopeRequirement requirement,
                 Function<ContainerRequestContext, String> remoteAddress) {
        this.verifier = verifier;
        this.requirement = requirement;
        this.remoteAddress = remoteAddress;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Reader reader = new Reader(request, remoteAddress);
        Decision decision = verifier.verify(AccessRequest.builder()
                .adapter(AccessRequest.JAXRS)
                .headers(reader)
                .queryParameters(name -> {
                    List<String> v = request.getUriInfo().getQueryParameters().get(name);
                    return v == null ? List.of() : v;
                })
                .remoteAddressFrom(reader)
                .secure(request.getSecurityContext().isSecure())
                .method(request.getMethod())
                .path(request.getUriInfo().getRequestUri().getRawPath())
                .requirement(requirement)
                .build());
        if (!decision.isAllowed()) {
            Response.ResponseBuilder rejection = Response.status(decision.status());
            for (HttpHeader h : decision.headers()) {
                rejection.header(h.name(), h.value());
            }
            request.abortWith(rejection.entity(decision.body()).type(Decision.CONTENT_TYPE).build());
            return;
        }
        ApiKeyPrincipal principal = decision.principal();
        request.setSecurityContext(new ApiKeySecurityContext(principal, request.getSecurityContext().isSecure()));
        request.setProperty(ApiKeyPrincipal.REQUEST_ATTRIBUTE, principal);
        if (!decision.headers().isEmpty()) {
            request.setProperty(ApiKeyFeature.RESPONSE_HEADERS_PROPERTY, decision.headers());
        }
        request.setProperty(DECISION_PROPERTY, decision);
    }

    /**
     * Adds the headers of an allowed decision (the RateLimit headers) to the response, and its cache headers:
     * {@code Cache-Control} unless the resource set one, the key header after the resource's {@code Vary} values.
     * Response filters run before the entity is written, so nothing is committed yet.
     */
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        MultivaluedMap<String, Object> out = response.getHeaders();
        if (request.getProperty(ApiKeyFeature.RESPONSE_HEADERS_PROPERTY) instanceof List<?> headers) {
            for (Object o : headers) {
                if (o instanceof HttpHeader h) {
                    out.add(h.name(), h.value());
                }
            }
        }
        if (request.getProperty(DECISION_PROPERTY) instanceof Decision decision) {
            String cacheControl = decision.cacheControl();
            if (cacheControl != null && response.getHeaderString(HttpHeaders.CACHE_CONTROL) == null) {
                out.putSingle(HttpHeaders.CACHE_CONTROL, cacheControl);
            }
            String vary = decision.vary(response.getStringHeaders().get(HttpHeaders.VARY));
            if (vary != null) {
                out.putSingle(HttpHeaders.VARY, vary);
            }
        }
    }

    /** The request's headers ({@link #values}) and its peer's address, as the verifier asks for them. */
    private static final class Reader implements AccessRequest.Values, Supplier<String> {
        private final ContainerRequestContext request;
        private final Function<ContainerRequestContext, String> remoteAddress;

        Reader(ContainerRequestContext request, Function<ContainerRequestContext, String> remoteAddress) {
            this.request = request;
            this.remoteAddress = remoteAddress;
        }

        @Override
        public List<String> get(String name) {
            return values(request.getHeaders(), name);
        }

        @Override
        public String get() {
            return remoteAddress.apply(request);
        }
    }

    /**
     * Every value of a header. Jakarta REST does not promise that the header map ignores case (Jersey's does),
     * so a miss falls back to a case-insensitive scan of the few names a request carries.
     */
    private static List<String> values(MultivaluedMap<String, String> headers, String name) {
        List<String> v = headers.get(name);
        if (v != null) {
            return v;
        }
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && e.getValue() != null) {
                return e.getValue();
            }
        }
        return List.of();
    }

    @Override
    public String toString() {
        return "ApiKeyFilter[" + requirement + "]";
    }
}
