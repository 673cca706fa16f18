package dev.apikey;

import java.util.List;
import java.util.Objects;

/**
 * An HTTP request as the verification pipeline sees it, independent of servlet or JAX-RS. Adapters build
 * one per request and hand it to {@link ApiKeyVerifier#verify}; they do no checking of their own.
 *
 * <p>Headers and query parameters are read through callbacks so the pipeline asks only for what its
 * configuration needs (the key header, {@code Authorization}, {@code X-Forwarded-For}, the query parameter
 * when enabled). Callbacks return every value of the name, in order, or an empty list.
 */
public final class AccessRequest {
    /** Reads all values of a header (names are case-insensitive) or a query parameter. */
    @FunctionalInterface
    public interface Values {
        /** Every value of {@code name}, in request order; empty if absent. Never null. */
        List<String> get(String name);
    }

    private static final Values NONE = name -> List.of();

    private final Values headers;
    private final Values queryParameters;
    private final String remoteAddress;
    private final String method;
    private final String path;
    private final ScopeRequirement requirement;

    private AccessRequest(Builder b) {
        this.headers = b.headers;
        this.queryParameters = b.queryParameters;
        this.remoteAddress = b.remoteAddress;
        this.method = b.method;
        this.path = b.path;
        this.requirement = b.requirement;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Header reader. */
    public Values headers() {
        return headers;
    }

    /** Query-parameter reader (consulted only when the query parameter is enabled). */
    public Values queryParameters() {
        return queryParameters;
    }

    /** The address of the connection's peer (an IP literal), or {@code null} if unknown. */
    public String remoteAddress() {
        return remoteAddress;
    }

    /** The HTTP method. */
    public String method() {
        return method;
    }

    /** The request path (as the container normalised it), for audit events. */
    public String path() {
        return path;
    }

    /** The scopes this request needs. */
    public ScopeRequirement requirement() {
        return requirement;
    }

    /** Builder for {@link AccessRequest}. */
    public static final class Builder {
        private Values headers = NONE;
        private Values queryParameters = NONE;
        private String remoteAddress;
        private String method = "GET";
        private String path = "/";
        private ScopeRequirement requirement = ScopeRequirement.none();

        private Builder() {
        }

        /** How to read request headers (case-insensitive names). */
        public Builder headers(Values headers) {
            this.headers = Objects.requireNonNull(headers, "headers");
            return this;
        }

        /** How to read query parameters (decoded values). */
        public Builder queryParameters(Values queryParameters) {
            this.queryParameters = Objects.requireNonNull(queryParameters, "queryParameters");
            return this;
        }

        /** The connection peer's IP address. */
        public Builder remoteAddress(String remoteAddress) {
            this.remoteAddress = remoteAddress;
            return this;
        }

        /** The HTTP method. */
        public Builder method(String method) {
            this.method = Objects.requireNonNull(method, "method");
            return this;
        }

        /** The request path. */
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /** The scope requirement; default none (any valid key). */
        public Builder requirement(ScopeRequirement requirement) {
            this.requirement = Objects.requireNonNull(requirement, "requirement");
            return this;
        }

        /** Builds the request. */
        public AccessRequest build() {
            return new AccessRequest(this);
        }
    }
}
