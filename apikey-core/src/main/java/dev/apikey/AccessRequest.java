package dev.apikey;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

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

    /** The {@linkplain Builder#adapter adapter name} of the servlet filter ({@code apikey-servlet}). */
    public static final String SERVLET = "servlet";
    /** The {@linkplain Builder#adapter adapter name} of the JAX-RS filter ({@code apikey-jaxrs}). */
    public static final String JAXRS = "jaxrs";
    /** The {@linkplain Builder#adapter adapter name} of a request built without one. */
    public static final String OTHER = "other";

    private static final Values NONE = name -> List.of();

    private final Values headers;
    private final Values queryParameters;
    private final Supplier<String> peer;
    /** The peer address once read (the supplier is asked at most once per request, and only when needed). */
    private String remoteAddress;
    private boolean remoteAddressRead;
    private final String method;
    private final String path;
    private final ScopeRequirement requirement;
    private final String adapter;
    private final Boolean secure;

    private AccessRequest(Builder b) {
        this.headers = b.headers;
        this.queryParameters = b.queryParameters;
        this.peer = b.peer;
        this.remoteAddress = b.remoteAddress;
        this.remoteAddressRead = b.peer == null;
        this.method = b.method;
        this.path = b.path;
        this.requirement = b.requirement;
        this.adapter = b.adapter;
        this.secure = b.secure;
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

    /**
     * The address of the connection's peer (an IP literal), or {@code null} if unknown. When the builder was
     * given a {@linkplain Builder#remoteAddressFrom supplier}, it is asked on the first call and its answer kept.
     */
    public String remoteAddress() {
        if (!remoteAddressRead) {
            // Not synchronised: a request is decided on one thread; two threads racing here would each ask the
            // supplier and get the same address.
            remoteAddress = peer.get();
            remoteAddressRead = true;
        }
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

    /**
     * Whether the request arrived over TLS on its connection to this server, or {@code null} when the caller did
     * not say (then {@link CleartextKeys} is not applied: an adapter always says).
     */
    public Boolean secure() {
        return secure;
    }

    /** The adapter that built this request ({@link #SERVLET}, {@link #JAXRS}, default {@link #OTHER}), for metrics. */
    public String adapter() {
        return adapter;
    }

    /** Builder for {@link AccessRequest}. */
    public static final class Builder {
        private Values headers = NONE;
        private Values queryParameters = NONE;
        private String remoteAddress;
        private Supplier<String> peer;
        private String method = "GET";
        private String path = "/";
        private ScopeRequirement requirement = ScopeRequirement.none();
        private String adapter = OTHER;
        private Boolean secure;

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

        /** The connection peer's IP address. Replaces a {@link #remoteAddressFrom} supplier. */
        public Builder remoteAddress(String remoteAddress) {
            this.remoteAddress = remoteAddress;
            this.peer = null;
            return this;
        }

        /**
         * Where to read the connection peer's IP address when the pipeline needs it: the failure throttle once it
         * tracks a client, a key with an address allowlist, a failed attempt, an audit event. Allowed requests
         * of keys without an allowlist usually never ask, and containers build the address string on every call
         * ({@code HttpServletRequest.getRemoteAddr()} formats it anew). Asked at most once per request; it may
         * return {@code null} (unknown). Replaces a {@link #remoteAddress(String)} value.
         */
        public Builder remoteAddressFrom(Supplier<String> peer) {
            this.peer = Objects.requireNonNull(peer, "peer");
            this.remoteAddress = null;
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

        /**
         * Whether the request arrived over TLS on its connection ({@code ServletRequest.isSecure()}); adapters set
         * it so that keys sent in the clear are refused ({@link CleartextKeys}).
         */
        public Builder secure(boolean secure) {
            this.secure = secure;
            return this;
        }

        /**
         * Which adapter this request comes through, as {@link dev.apikey.spi.DecisionObserver}s see it (default
         * {@link AccessRequest#OTHER}). Pass a constant: metrics keep one series per name.
         */
        public Builder adapter(String adapter) {
            this.adapter = Objects.requireNonNull(adapter, "adapter");
            return this;
        }

        /** Builds the request. */
        public AccessRequest build() {
            return new AccessRequest(this);
        }
    }
}
