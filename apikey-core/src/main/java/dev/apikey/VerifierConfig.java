package dev.apikey;

import dev.apikey.anomaly.AnomalyPolicy;
import dev.apikey.internal.ClientAddresses;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How an {@link ApiKeyVerifier} answers requests: where it reads keys, what it puts in its answers, which clients
 * and keys it accepts. Immutable. Build one with {@link #ofDefaults()}, {@link #custom()} or {@link #from(VerifierConfig)}
 * and hand it to {@link VerifierBuilder#config(VerifierConfig)}; the servlet filter's init-params build one
 * the same way. Each setter fails fast with a message naming the wrong value.
 */
public final class VerifierConfig {
    /** The default name of the key header. */
    public static final String DEFAULT_HEADER = "X-API-Key";
    /** The default realm. */
    public static final String DEFAULT_REALM = "api";
    /** Longest credential accepted; longer values are rejected (400) before any other work. */
    public static final int MAX_CREDENTIAL_LENGTH = 256;
    /** Most credential-carrying header or parameter values examined; more is a 400. */
    public static final int MAX_CREDENTIAL_VALUES = 16;

    private static final VerifierConfig DEFAULTS = custom().build();

    private final String headerName;
    private final String queryParameter;
    private final String realm;
    private final ProblemRenderer problems;
    private final List<Cidr> trustedProxies;
    private final String forwardedHeader;
    private final boolean privateCacheControl;
    private final boolean varyOnKeyHeader;
    private final Set<Environment> environments;
    private final RateLimitPolicy defaultPolicy;
    private final boolean rateLimitHeaders;
    private final boolean limiterFailOpen;
    private final boolean legacyKeys;
    private final AnomalyPolicy anomalies;
    private final Duration lookupTimeout;
    private final ClientThrottle clientThrottle;
    private final CleartextKeys cleartextKeys;

    private VerifierConfig(Builder b) {
        this.headerName = b.headerName;
        this.queryParameter = b.queryParameter;
        this.realm = b.realm;
        this.problems = b.problems;
        this.trustedProxies = List.copyOf(b.trustedProxies);
        this.forwardedHeader = b.forwardedHeader;
        this.privateCacheControl = b.privateCacheControl;
        this.varyOnKeyHeader = b.varyOnKeyHeader;
        this.environments = Set.copyOf(b.environments);
        this.defaultPolicy = b.defaultPolicy;
        this.rateLimitHeaders = b.rateLimitHeaders;
        this.limiterFailOpen = b.limiterFailOpen;
        this.legacyKeys = b.legacyKeys;
        this.anomalies = b.anomalies;
        this.lookupTimeout = b.lookupTimeout;
        this.clientThrottle = b.clientThrottle;
        this.cleartextKeys = b.cleartextKeys;
    }

    /** Every setting at its default. */
    public static VerifierConfig ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** A builder starting from {@code prototype}'s settings. */
    public static Builder from(VerifierConfig prototype) {
        return new Builder().from(prototype);
    }

    /** The header that carries keys (matched case-insensitively). */
    public String headerName() {
        return headerName;
    }

    /** The query parameter that may carry keys, or {@code null} when that is off (the default). */
    public String queryParameter() {
        return queryParameter;
    }

    /** The realm named in {@code WWW-Authenticate}. */
    public String realm() {
        return realm;
    }

    /** The renderer of problem bodies (its {@linkplain ProblemRenderer#base() type base}). */
    public ProblemRenderer problems() {
        return problems;
    }

    /** Proxies whose forwarded header is believed. */
    public List<Cidr> trustedProxies() {
        return trustedProxies;
    }

    /** The header trusted proxies name the client in. */
    public String forwardedHeader() {
        return forwardedHeader;
    }

    /** Whether allowed responses get {@code Cache-Control: private, no-store} unless the app sets one. */
    public boolean privateCacheControl() {
        return privateCacheControl;
    }

    /** Whether allowed responses' {@code Vary} names the key header. */
    public boolean varyOnKeyHeader() {
        return varyOnKeyHeader;
    }

    /** The environments whose keys are accepted. */
    public Set<Environment> environments() {
        return environments;
    }

    /** The policy for keys that have none, or {@code null} for no limit. */
    public RateLimitPolicy defaultPolicy() {
        return defaultPolicy;
    }

    /** Whether responses carry {@code RateLimit-Policy} and {@code RateLimit} headers. */
    public boolean rateLimitHeaders() {
        return rateLimitHeaders;
    }

    /** Whether a failing rate limiter or usage counter lets requests through (else 503). */
    public boolean limiterFailOpen() {
        return limiterFailOpen;
    }

    /** The anomaly signals, or {@code null} when they are off (the default). */
    public AnomalyPolicy anomalies() {
        return anomalies;
    }

    /** Whether imported keys outside the key format verify (the legacy path; off by default). */
    public boolean legacyKeys() {
        return legacyKeys;
    }

    /** The bound on one store lookup, or {@code null} for none. */
    public Duration lookupTimeout() {
        return lookupTimeout;
    }

    /** Failed-attempt throttling per client address. */
    public ClientThrottle clientThrottle() {
        return clientThrottle;
    }

    /** What happens to a key sent over plain HTTP from a client that is not on this host. */
    public CleartextKeys cleartextKeys() {
        return cleartextKeys;
    }

    @Override
    public String toString() {
        return "VerifierConfig[header=" + headerName + ", realm=" + realm + "]";
    }

    /** Builder for {@link VerifierConfig}; {@link #build()} may be called more than once. */
    public static final class Builder {
        private String headerName = DEFAULT_HEADER;
        private String queryParameter;
        private String realm = DEFAULT_REALM;
        private ProblemRenderer problems = ProblemRenderer.ofDefaults();
        private final List<Cidr> trustedProxies = new ArrayList<>();
        private String forwardedHeader = ClientAddresses.X_FORWARDED_FOR;
        private boolean privateCacheControl = true;
        private boolean varyOnKeyHeader = true;
        private final Set<Environment> environments = EnumSet.allOf(Environment.class);
        private RateLimitPolicy defaultPolicy;
        private boolean rateLimitHeaders = true;
        private boolean limiterFailOpen;
        private boolean legacyKeys;
        private AnomalyPolicy anomalies;
        private Duration lookupTimeout;
        private ClientThrottle clientThrottle = ClientThrottle.ofDefaults();
        private CleartextKeys cleartextKeys = CleartextKeys.REFUSE;

        private Builder() {
        }

        private Builder from(VerifierConfig c) {
            headerName = c.headerName;
            queryParameter = c.queryParameter;
            realm = c.realm;
            problems = c.problems;
            trustedProxies.addAll(c.trustedProxies);
            forwardedHeader = c.forwardedHeader;
            privateCacheControl = c.privateCacheControl;
            varyOnKeyHeader = c.varyOnKeyHeader;
            environments.clear();
            environments.addAll(c.environments);
            defaultPolicy = c.defaultPolicy;
            rateLimitHeaders = c.rateLimitHeaders;
            limiterFailOpen = c.limiterFailOpen;
            legacyKeys = c.legacyKeys;
            anomalies = c.anomalies;
            lookupTimeout = c.lookupTimeout;
            clientThrottle = c.clientThrottle;
            cleartextKeys = c.cleartextKeys;
            return this;
        }

        /**
         * The header that carries keys (default {@value VerifierConfig#DEFAULT_HEADER}; matched case-insensitively).
         *
         * @throws InvalidConfigurationException if it is not an HTTP token or is {@code Authorization}
         */
        public Builder headerName(String name) {
            token("header name", name);
            if (name.equalsIgnoreCase("Authorization")) {
                throw new InvalidConfigurationException("header name cannot be Authorization; it is always read");
            }
            this.headerName = name;
            return this;
        }

        /**
         * Accepts keys in this query parameter too. Off by default, and unsafe: URLs end up in access logs,
         * browser history and Referer headers. {@code null} turns it off.
         */
        public Builder queryParameter(String name) {
            if (name != null && (name.isEmpty() || name.length() > 64 || !name.chars().allMatch(Builder::isTokenChar))) {
                throw new InvalidConfigurationException("query parameter name must be 1-64 token chars, got '"
                        + Text.safe(name) + "'");
            }
            this.queryParameter = name;
            return this;
        }

        /** The realm in {@code WWW-Authenticate} (default {@value VerifierConfig#DEFAULT_REALM}); printable ASCII without quotes. */
        public Builder realm(String realm) {
            if (realm == null || realm.isEmpty() || realm.length() > 64
                    || !realm.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\')) {
                throw new InvalidConfigurationException(
                        "realm must be 1-64 printable ASCII chars without quotes or backslashes, got '" + Text.safe(realm) + "'");
            }
            this.realm = realm;
            return this;
        }

        /** The base of problem {@code type} URIs (default {@value ProblemRenderer#DEFAULT_BASE}). */
        public Builder problemTypeBase(String base) {
            this.problems = ProblemRenderer.withBase(base);
            return this;
        }

        /**
         * Proxies whose {@linkplain #forwardedHeader forwarded header} is believed (CIDRs), added to those given
         * before; default none. The client is its right-most entry that is not a trusted proxy; a header that names
         * none (over 32 entries or 2048 chars, no IP address there) gets 400 {@code invalid-request}, so that it is
         * never charged to the proxy.
         */
        public Builder trustedProxies(Collection<String> cidrs) {
            for (String c : cidrs) {
                trustedProxies.add(Cidr.parse(c));
            }
            return this;
        }

        /**
         * The one header trusted proxies name the client in: {@code X-Forwarded-For} (default) or another address
         * list, or {@code Forwarded} (RFC 7239). Never both: a proxy passes on the kind it does not manage untouched.
         */
        public Builder forwardedHeader(String name) {
            this.forwardedHeader = token("forwarded header", name);
            return this;
        }

        /** Whether allowed responses get {@code Cache-Control: private, no-store} unless the app sets one (default true). */
        public Builder privateCacheControl(boolean on) {
            this.privateCacheControl = on;
            return this;
        }

        /** Whether allowed responses' {@code Vary} names the key header, after the application's own (default true). */
        public Builder varyOnKeyHeader(boolean on) {
            this.varyOnKeyHeader = on;
            return this;
        }

        /** Accepts only keys of these environments (default both); others get 401 like an unknown key. */
        public Builder environments(Environment... accepted) {
            if (accepted.length == 0) {
                throw new InvalidConfigurationException("at least one environment must be accepted");
            }
            environments.clear();
            environments.addAll(List.of(accepted));
            return this;
        }

        /**
         * The policy for keys that have none (default: no limit). It may count per key or per owner, not per
         * tenant: it also applies to keys without a tenant.
         *
         * @throws InvalidConfigurationException if a limit counts per tenant
         */
        public Builder defaultRateLimit(RateLimitPolicy policy) {
            if (policy != null && policy.counts(Per.TENANT)) {
                throw new InvalidConfigurationException("the default rate limit applies to keys without a tenant too,"
                        + " so it cannot count per tenant; give the keys of a tenant their own policy instead");
            }
            this.defaultPolicy = policy;
            return this;
        }

        /** Whether responses carry {@code RateLimit-Policy} and {@code RateLimit} headers (default true). */
        public Builder rateLimitHeaders(boolean on) {
            this.rateLimitHeaders = on;
            return this;
        }

        /**
         * When the rate limiter or usage counters fail: {@code false} (default) answers 503, {@code true}
         * lets the request through without rate-limit headers. Authentication itself always fails closed.
         */
        public Builder rateLimiterFailOpen(boolean failOpen) {
            this.limiterFailOpen = failOpen;
            return this;
        }

        /**
         * Whether keys imported from another system that do not follow the key format verify (default false). On,
         * a credential that is not a key of the format but is 16 to 256 visible ASCII chars is looked up by its plain
         * SHA-256 among the {@linkplain KeyRecord#legacy() legacy} records only; it goes through every other stage
         * (failure throttle, validity, limits, scopes) like any key, and its decisions are audited with
         * {@code legacy=true}. Off, such a credential is malformed and costs no lookup.
         */
        public Builder legacyKeys(boolean enabled) {
            this.legacyKeys = enabled;
            return this;
        }

        /**
         * Turns on the anomaly signals ({@link AnomalyPolicy}), or off with {@code null} (default off). They watch
         * allowed requests per key on this node, report anomalies as lifecycle events and, if the policy says so,
         * suspend the key.
         */
        public Builder anomalies(AnomalyPolicy policy) {
            this.anomalies = policy;
            return this;
        }

        /**
         * Bounds how long one store lookup may take (default: no bound, the lookup runs on the request thread).
         * When set, lookups run on up to {@value ApiKeyVerifier#LOOKUP_THREADS} daemon threads with
         * {@value ApiKeyVerifier#LOOKUP_QUEUE} waiting places; a lookup that takes longer, or finds no place,
         * is answered 503 {@code unavailable} (fail closed) and the lookup is interrupted. {@code null} turns it off.
         *
         * @throws InvalidConfigurationException if the timeout is not between 1 ms and 1 minute
         */
        public Builder lookupTimeout(Duration timeout) {
            if (timeout != null && (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofMinutes(1)) > 0)) {
                throw new InvalidConfigurationException("lookup timeout must be between 1 ms and 1 minute, got " + timeout);
            }
            this.lookupTimeout = timeout;
            return this;
        }

        /** Failed-attempt throttling per client address (default {@link ClientThrottle#ofDefaults()}). */
        public Builder clientThrottle(ClientThrottle throttle) {
            this.clientThrottle = Objects.requireNonNull(throttle, "clientThrottle");
            return this;
        }

        /**
         * What happens to a key sent over plain HTTP from a client that is not on this host (default
         * {@link CleartextKeys#REFUSE}: 403 {@code https-required}). Behind a TLS-terminating proxy, list the proxy in
         * {@link #trustedProxies} and have it set {@code X-Forwarded-Proto}.
         */
        public Builder cleartextKeys(CleartextKeys policy) {
            this.cleartextKeys = Objects.requireNonNull(policy, "cleartextKeys");
            return this;
        }

        private static String token(String what, String value) {
            if (value == null || value.isEmpty() || value.length() > 64 || !value.chars().allMatch(Builder::isTokenChar)) {
                throw new InvalidConfigurationException(what + " must be an HTTP token of 1-64 chars, got '"
                        + Text.safe(value) + "'");
            }
            return value;
        }

        private static boolean isTokenChar(int c) {
            return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
        }

        /** The configuration as set so far. */
        public VerifierConfig build() {
            return new VerifierConfig(this);
        }
    }
}
