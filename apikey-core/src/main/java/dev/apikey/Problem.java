package dev.apikey;

/** The external answers of the DESIGN.md response table: status, problem type slug and title. */
public enum Problem {
    /** Not a rejection. */
    NONE(200, "", ""),
    /** 401: no credential. */
    MISSING_KEY(401, "missing-key", "API key required"),
    /** 401: malformed, unknown, revoked, suspended, expired, or wrong environment. */
    INVALID_KEY(401, "invalid-key", "Invalid API key"),
    /** 400: more than one credential, or a credential with control characters. */
    INVALID_REQUEST(400, "invalid-request", "Invalid request"),
    /** 403: valid key without the required scope. */
    INSUFFICIENT_SCOPE(403, "insufficient-scope", "Insufficient scope"),
    /** 403: a key sent over plain HTTP from a client that is not on this host ({@link CleartextKeys}). */
    HTTPS_REQUIRED(403, "https-required", "HTTPS required"),
    /** 403: valid key from a client address that is not allowed. */
    FORBIDDEN(403, "forbidden", "Forbidden"),
    /** 429: rate limit exhausted. */
    RATE_LIMITED(429, "rate-limited", "Rate limit exceeded"),
    /** 429: quota or credits exhausted. */
    QUOTA_EXCEEDED(429, "quota-exceeded", "Quota exceeded"),
    /** 429: too many failed attempts from this client. */
    TOO_MANY_FAILURES(429, "too-many-failures", "Too many failed attempts"),
    /** 503: store or cluster unreachable (fail closed). */
    UNAVAILABLE(503, "unavailable", "Service unavailable");

    private final int status;
    private final String slug;
    private final String title;

    Problem(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The problem type slug, the last path segment of the {@code type} URI. */
    public String slug() {
        return slug;
    }

    /** The problem title. */
    public String title() {
        return title;
    }
}
