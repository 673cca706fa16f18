package dev.apikey;

/**
 * The internal reason of a decision. Several reasons share one external answer (unknown, revoked,
 * suspended, expired and wrong-environment keys all get the same 401); the reason itself goes only to the
 * audit log and metrics.
 */
public enum Outcome {
    /** The request passes. */
    ALLOWED(Problem.NONE),
    /** No credential in the request. */
    MISSING_KEY(Problem.MISSING_KEY),
    /** The credential failed the format or checksum check (no lookup was made). */
    MALFORMED_KEY(Problem.INVALID_KEY),
    /** Well-formed, but no record has its digest. */
    UNKNOWN_KEY(Problem.INVALID_KEY),
    /** The key is revoked. */
    REVOKED_KEY(Problem.INVALID_KEY),
    /** The key is suspended. */
    SUSPENDED_KEY(Problem.INVALID_KEY),
    /** The key has expired (or its rotation grace period ended). */
    EXPIRED_KEY(Problem.INVALID_KEY),
    /** The key is not valid yet. */
    NOT_YET_VALID_KEY(Problem.INVALID_KEY),
    /** The key belongs to an environment this deployment does not accept. */
    WRONG_ENVIRONMENT(Problem.INVALID_KEY),
    /** More than one distinct credential in the request. */
    AMBIGUOUS_CREDENTIALS(Problem.INVALID_REQUEST),
    /** A credential with control characters, or longer than 256 chars. */
    BAD_CREDENTIAL(Problem.INVALID_REQUEST),
    /**
     * The request path is ambiguous (encoded separators or dots, dot segments, path parameters, empty
     * segments), so an adapter cannot be sure which rule applies; rejected before any key is looked at.
     */
    INVALID_PATH(Problem.INVALID_REQUEST),
    /**
     * The request came through a trusted proxy whose forwarded header does not name the client (too long, or
     * no IP address where the client should be), so it cannot be placed; rejected before any key is looked at.
     */
    UNRESOLVED_CLIENT(Problem.INVALID_REQUEST),
    /** The key lacks a required scope. */
    INSUFFICIENT_SCOPE(Problem.INSUFFICIENT_SCOPE),
    /** The key came over plain HTTP from a client that is not on this host ({@link CleartextKeys}). */
    CLEARTEXT_KEY(Problem.HTTPS_REQUIRED),
    /** The client address is outside the key's allowed networks. */
    ADDRESS_NOT_ALLOWED(Problem.FORBIDDEN),
    /** A rate limit is exhausted. */
    RATE_LIMITED(Problem.RATE_LIMITED),
    /** The key's calendar quota is exhausted. */
    QUOTA_EXCEEDED(Problem.QUOTA_EXCEEDED),
    /** The key's credits are used up. */
    CREDITS_EXHAUSTED(Problem.QUOTA_EXCEEDED),
    /** Too many failed authentications from this client address. */
    CLIENT_THROTTLED(Problem.TOO_MANY_FAILURES),
    /** The key store could not answer. */
    STORE_UNAVAILABLE(Problem.UNAVAILABLE),
    /** The rate limiter or usage counters could not answer and fail-closed is configured. */
    LIMITER_UNAVAILABLE(Problem.UNAVAILABLE);

    private final Problem problem;

    Outcome(Problem problem) {
        this.problem = problem;
    }

    /** The external answer for this reason. */
    public Problem problem() {
        return problem;
    }

    /** True for failed authentications that count against the client's throttle. */
    public boolean countsAsFailure() {
        return problem == Problem.INVALID_KEY;
    }
}
