package dev.apikey;

import dev.apikey.spi.RateLimitResult;

import java.util.List;

/**
 * The pipeline's answer for one request: allowed with a principal, or a rejection already rendered into
 * status, headers and an {@code application/problem+json} body. Adapters write it as it is:
 * <ul>
 *   <li>allowed: continue, put {@link #principal()} on the request, add {@link #headers()} to the response
 *       (the RateLimit headers), and before the response is committed set {@code Cache-Control} to
 *       {@link #cacheControl()} unless the application sets its own, and {@code Vary} to {@link #vary(List)} of
 *       the values it has;</li>
 *   <li>rejected: respond with {@link #status()}, every header of {@link #headers()}, content type
 *       {@link #CONTENT_TYPE} and {@link #body()}.</li>
 * </ul>
 */
public final class Decision {
    /** The content type of every rejection body. */
    public static final String CONTENT_TYPE = "application/problem+json";

    private final Outcome outcome;
    private final ApiKeyPrincipal principal;
    private final String body;
    // An allowed decision keeps what its RateLimit headers are rendered from, not a lambda over it: one
    // object less per request, and most adapters never ask for headers of a key without a policy. The verifier
    // also holds the cache headers of allowed responses; rejections have no renderer.
    private final ApiKeyVerifier renderer;
    private final RateLimitPolicy policy;
    private RateLimitResult result;
    // Or, for a request the local limiter admitted against a policy of one limit, its answer
    // (LocalRateLimiter.acquireOne, above 0) and the time it was asked at: the result is built on first use.
    private final long admitted;
    private final long nowNanos;
    private List<HttpHeader> headers;

    Decision(Outcome outcome, ApiKeyPrincipal principal, List<HttpHeader> headers, String body) {
        this(outcome, principal, headers, body, null);
    }

    /** A rendered decision that also keeps the rate limiter's answer it was made after. */
    Decision(Outcome outcome, ApiKeyPrincipal principal, List<HttpHeader> headers, String body, RateLimitResult result) {
        this.outcome = outcome;
        this.principal = principal;
        this.headers = headers;
        this.body = body;
        this.renderer = null;
        this.policy = null;
        this.result = result;
        this.admitted = 0;
        this.nowNanos = 0;
    }

    /** An allowed decision whose headers are rendered on first use. */
    Decision(ApiKeyPrincipal principal, ApiKeyVerifier renderer, RateLimitPolicy policy, RateLimitResult result) {
        this.outcome = Outcome.ALLOWED;
        this.principal = principal;
        this.body = null;
        this.renderer = renderer;
        this.policy = policy;
        this.result = result;
        this.admitted = 0;
        this.nowNanos = 0;
    }

    /**
     * An allowed decision for a request the local limiter admitted against {@code policy}'s one limit, with
     * {@code admitted} its {@link LocalRateLimiter#acquireOne} answer at {@code nowNanos}: the result and the
     * headers are built on first use, so a caller that asks for neither allocates none of them.
     */
    Decision(ApiKeyPrincipal principal, ApiKeyVerifier renderer, RateLimitPolicy policy, long admitted, long nowNanos) {
        this.outcome = Outcome.ALLOWED;
        this.principal = principal;
        this.body = null;
        this.renderer = renderer;
        this.policy = policy;
        this.admitted = admitted;
        this.nowNanos = nowNanos;
    }

    /** True if the request may proceed. */
    public boolean isAllowed() {
        return outcome == Outcome.ALLOWED;
    }

    /** The internal reason (for metrics and audit; never sent to the client as such). */
    public Outcome outcome() {
        return outcome;
    }

    /** The external answer. */
    public Problem problem() {
        return outcome.problem();
    }

    /**
     * For an allowed response: the {@code Cache-Control} to send when the application sets none
     * ({@code private, no-store}: the answer depends on the credential, and shared caches only know that of
     * {@code Authorization}). {@code null} for rejections (their {@link #headers()} carry {@code no-store}) or when
     * the verifier is configured without it.
     */
    public String cacheControl() {
        return renderer == null ? null : renderer.cacheHeaders().cacheControl();
    }

    /**
     * For an allowed response that carries the {@code Vary} values {@code present} (possibly none): the
     * {@code Vary} to set, those values followed by the key header; {@code null} when nothing needs to change (a
     * rejection, configured off, the key header listed already, or {@code *}).
     */
    public String vary(List<String> present) {
        return renderer == null ? null : renderer.cacheHeaders().vary(present);
    }

    /** The HTTP status to send: 200 when allowed (the application picks its own), else the rejection's. */
    public int status() {
        return outcome.problem().status();
    }

    /** The authenticated key; {@code null} for rejections. */
    public ApiKeyPrincipal principal() {
        return principal;
    }

    /** Headers to add to the response (rejection headers, or the RateLimit headers when allowed). */
    public List<HttpHeader> headers() {
        List<HttpHeader> h = headers;
        if (h == null) {
            // Rendering twice under a race yields equal lists, so no lock is needed.
            // An admitted request's headers are rendered from the limiter's answer, without its RateLimitResult.
            h = result == null && admitted > 0 ? renderer.admittedHeaders(policy, admitted)
                    : renderer.limitHeaders(policy, rateLimit());
            headers = h;
        }
        return h;
    }

    /**
     * The rate limiter's answer for this request: for each limit of the key's policy the limit, the requests
     * remaining and the time until it is replenished, and when refused the time to wait. {@code null} when no
     * limiter was consulted (no policy, rejected earlier, or the limiter failed open).
     */
    public RateLimitResult rateLimit() {
        RateLimitResult r = result;
        if (r == null && admitted > 0) {
            // Building it twice under a race yields equal results (of final fields only), so no lock is needed.
            r = LocalRateLimiter.resultOf(policy, admitted, nowNanos);
            result = r;
        }
        return r;
    }

    /** The {@code Retry-After} value in seconds (at least 1) of a 429 or 503, or 0 when there is none. */
    public long retryAfterSeconds() {
        String v = header("Retry-After");
        return v == null ? 0 : Long.parseLong(v);
    }

    /** The problem+json body of a rejection; {@code null} when allowed. */
    public String body() {
        return body;
    }

    /** The value of the first header named {@code name} (case-insensitive), or {@code null}. */
    public String header(String name) {
        for (HttpHeader h : headers()) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "Decision[" + outcome + ", status=" + status() + (principal == null ? "" : ", key=" + principal.id()) + "]";
    }
}
