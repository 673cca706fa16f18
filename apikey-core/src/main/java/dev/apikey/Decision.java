package dev.apikey;

import dev.apikey.internal.CacheHeaders;
import dev.apikey.spi.RateLimitResult;

import java.util.List;
import java.util.Objects;

/**
 * The verifier's answer for one request, as an immutable value: allowed with a principal, or a rejection
 * already rendered into status, headers and an {@code application/problem+json} body. Adapters write it as it is:
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
    public static final String CONTENT_TYPE = ProblemRenderer.CONTENT_TYPE;

    private final Outcome outcome;
    private final ApiKeyPrincipal principal;
    private final List<HttpHeader> headers;
    private final String body;
    private final RateLimitResult rateLimit;
    private final String cacheControl;
    private final String varyOn;

    /**
     * @param outcome      why
     * @param principal    the authenticated key when allowed, else {@code null}
     * @param headers      the headers to send (copied)
     * @param body         the problem+json body of a rejection, {@code null} when allowed
     * @param rateLimit    the rate limiter's answer, or {@code null} when none was asked
     * @param cacheControl the {@code Cache-Control} of an allowed response whose application sets none, or {@code null}
     * @param varyOn       the header an allowed response's {@code Vary} must name, or {@code null}
     */
    public Decision(Outcome outcome, ApiKeyPrincipal principal, List<HttpHeader> headers, String body,
                    RateLimitResult rateLimit, String cacheControl, String varyOn) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.principal = principal;
        this.headers = List.copyOf(headers);
        this.body = body;
        this.rateLimit = rateLimit;
        this.cacheControl = cacheControl;
        this.varyOn = varyOn;
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
        return cacheControl;
    }

    /**
     * For an allowed response that carries the {@code Vary} values {@code present} (possibly none): the
     * {@code Vary} to set, those values followed by the key header; {@code null} when nothing needs to change (a
     * rejection, configured off, the key header listed already, or {@code *}).
     */
    public String vary(List<String> present) {
        return CacheHeaders.vary(varyOn, present);
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
        return headers;
    }

    /**
     * The rate limiter's answer for this request: for each limit of the key's policy the limit, the requests
     * remaining and the time until it is replenished, and when refused the time to wait. {@code null} when no
     * limiter was consulted (no policy, rejected earlier, or the limiter failed open).
     */
    public RateLimitResult rateLimit() {
        return rateLimit;
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
        for (HttpHeader h : headers) {
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
