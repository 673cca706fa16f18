package dev.apikey.servlet;

/**
 * The init-params of {@link ApiKeyFilter} and the {@code ServletContext} attributes it reads. Every
 * init-param feeds the same {@link dev.apikey.VerifierBuilder} or {@link PathRules.Builder} method
 * that programmatic users call, so both fail the same way on a wrong value. Unknown init-param names fail
 * start-up (a misspelt {@code scope-rules} must not silently leave paths open).
 */
public final class ApiKeyFilterConfig {
    /**
     * Where keys live: {@code memory} (default; an empty in-memory store, useful only together with
     * {@link #STORE_ATTRIBUTE} or for demos), {@code file:PATH} (a key file, reloaded on external edits;
     * it must exist unless {@link #CREATE_STORE} is {@code true}) or {@code jndi:NAME} (a container-managed
     * {@code javax.sql.DataSource} looked up under NAME, e.g. {@code jndi:java:comp/env/jdbc/apikeys}: keys, quotas
     * and credits are then kept in that database; needs the {@code apikey-jdbc} jar beside this one).
     */
    public static final String STORE = "store";
    /**
     * Whether a {@code file:PATH} {@link #STORE} whose file does not exist is created empty at start:
     * {@code false} (default: a missing file stops the application from starting, so a typo in the path
     * cannot serve from an empty store) or {@code true}.
     */
    public static final String CREATE_STORE = "create-store";
    /**
     * Whether a {@code jndi:NAME} {@link #STORE} creates its missing tables at start: {@code false} (default: the
     * schema is left to Flyway, Liquibase or a DBA, and the filter never runs DDL) or {@code true}.
     */
    public static final String CREATE_SCHEMA = "create-schema";
    /** The header that carries keys. Default {@code X-API-Key}; {@code Authorization: Bearer|ApiKey} is always read. */
    public static final String HEADER_NAME = "header-name";
    /** The realm in {@code WWW-Authenticate}. Default {@code api}. */
    public static final String REALM = "realm";
    /**
     * The name of a query parameter that may carry keys too. Default: none (off). Unsafe: URLs end up in
     * access logs, browser history and Referer headers.
     */
    public static final String QUERY_PARAMETER = "query-parameter";
    /**
     * Proxies whose {@link #FORWARDED_HEADER} ({@code X-Forwarded-For} by default) is believed, as CIDRs
     * separated by commas or white space. Default none: the connection's peer is the client.
     */
    public static final String TRUSTED_PROXIES = "trusted-proxies";
    /**
     * The one header trusted proxies name the client in: {@code X-Forwarded-For} (default), another
     * comma-separated address list, or {@code Forwarded} (RFC 7239). The other kinds are not read: a client can
     * send them itself. A header from a trusted proxy that names no client (over 32 entries or 2048 chars, no IP
     * address where the client should be) is answered 400 {@code invalid-request}.
     */
    public static final String FORWARDED_HEADER = "forwarded-header";
    /** The rate-limit policy of keys that have none, e.g. {@code 100/1s burst 20, 10000/1d}. Default: no limit. */
    public static final String DEFAULT_RATE_LIMIT = "default-rate-limit";
    /** Whether responses carry {@code RateLimit-Policy} and {@code RateLimit} headers: {@code true} (default) or {@code false}. */
    public static final String RATE_LIMIT_HEADERS = "rate-limit-headers";
    /** {@code true} lets imported keys outside the key format verify (see {@code VerifierConfig.Builder#legacyKeys}). */
    public static final String LEGACY_KEYS = "legacy-keys";
    /**
     * What happens when the rate limiter or usage counters fail: {@code false} (default) answers 503,
     * {@code true} lets the request through. Authentication itself always fails closed.
     */
    public static final String RATE_LIMIT_FAIL_OPEN = "rate-limit-fail-open";
    /**
     * Throttling of clients that fail authentication: a limit such as {@code 100/1h burst 20} (the default)
     * per client address, or {@code off}.
     */
    public static final String FAILURE_THROTTLE = "failure-throttle";
    /**
     * Whether allowed responses get {@code Cache-Control: private, no-store} when the application sets no
     * {@code Cache-Control} of its own: {@code true} (default) or {@code false}. Shared caches know to keep
     * answers to {@code Authorization} to themselves (RFC 9111), but not answers to a key header.
     */
    public static final String PRIVATE_CACHE_CONTROL = "private-cache-control";
    /**
     * What happens to a key sent over plain HTTP by a client that is not on this host: {@code refuse} (default;
     * 403 {@code https-required} before any lookup), {@code flag} (refused after the lookup, so that the audit
     * event names the key), {@code suspend} (flagged, and the key suspended) or {@code allow}. The transport is
     * {@code ServletRequest.isSecure()}, or a {@link #TRUSTED_PROXIES trusted proxy}'s {@code X-Forwarded-Proto}
     * (the {@code proto} of its {@code Forwarded} element when that is the {@link #FORWARDED_HEADER}).
     */
    public static final String CLEARTEXT_KEYS = "cleartext-keys";
    /**
     * Whether allowed responses' {@code Vary} names the key header, after the application's own values:
     * {@code true} (default) or {@code false}.
     */
    public static final String VARY_ON_KEY_HEADER = "vary-on-key-header";
    /** The key prefix of this deployment ({@code [a-z][a-z0-9]{1,15}}). Default {@code ak}. */
    public static final String KEY_PREFIX = "key-prefix";
    /** Accepted key environments, {@code live} and/or {@code test} separated by commas. Default both. */
    public static final String ENVIRONMENTS = "environments";
    /**
     * Paths that need no key, one per line: {@code [METHODS] PATTERN}, e.g. {@code /health} or
     * {@code GET,HEAD /docs/*}. Matched case-sensitively and as written: {@code /health} does not make
     * {@code /health/} or {@code /health.json} public, and {@code HEAD} is public only where {@code GET} is.
     * Default none.
     */
    public static final String PUBLIC_PATHS = "public-paths";
    /**
     * Scope rules, one per line: {@code METHODS PATTERN [SCOPES]}, e.g. {@code GET,HEAD /billing/* billing:read}.
     * See {@link PathRules} for the syntax and how a rule is chosen. Default none: every path needs any valid key.
     *
     * <p>Which paths a rule covers: a pattern matches case-insensitively; {@code /x/*} matches {@code /x} too;
     * {@code HEAD} needs what {@code GET} needs. A spelling that frameworks route to the handler of {@code /x}
     * needs what {@code /x} needs as well as its own: {@code /x/} and {@code /x//} (trailing slashes),
     * {@code /x;p=1} and {@code /a//x} (refused with 400 anyway) and {@code /x.json} (unless an exact pattern names
     * {@code /x.json} itself). So with {@code GET /billing/summary billing:admin} and
     * {@code GET /billing/* billing:read}, {@code GET /billing/summary/} needs billing:admin and billing:read.
     */
    public static final String SCOPE_RULES = "scope-rules";
    /**
     * Whether the key header, and {@code Authorization} when it carried the key, are hidden from filters
     * and servlets after this one: {@code false} (default) or {@code true}.
     */
    public static final String HIDE_CREDENTIAL = "hide-credential";

    /**
     * {@code ServletContext} attribute: a configured {@link dev.apikey.ApiKeyVerifier} to use instead of
     * building one from init-params. The verifier init-params ({@link #STORE} to {@link #ENVIRONMENTS}) must
     * then be absent. The filter does not close a verifier it did not build.
     */
    public static final String VERIFIER_ATTRIBUTE = "dev.apikey.servlet.verifier";
    /**
     * {@code ServletContext} attribute: {@link PathRules} to use instead of {@link #PUBLIC_PATHS} and
     * {@link #SCOPE_RULES}, which must then be absent.
     */
    public static final String RULES_ATTRIBUTE = "dev.apikey.servlet.rules";
    /**
     * {@code ServletContext} attribute: a {@link dev.apikey.spi.KeyStore} for the verifier built from
     * init-params, so the application (its admin code, a {@link dev.apikey.KeyManager}) and the filter share
     * one store. {@link #STORE} must then be absent.
     */
    public static final String STORE_ATTRIBUTE = "dev.apikey.servlet.store";

    private ApiKeyFilterConfig() {
    }
}
