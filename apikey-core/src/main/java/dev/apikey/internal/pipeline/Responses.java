package dev.apikey.internal.pipeline;

import dev.apikey.ApiKeyPrincipal;
import dev.apikey.Decision;
import dev.apikey.HttpHeader;
import dev.apikey.Outcome;
import dev.apikey.Problem;
import dev.apikey.ProblemRenderer;
import dev.apikey.RateLimit;
import dev.apikey.RateLimitPolicy;
import dev.apikey.RequiresScope;
import dev.apikey.ScopeRequirement;
import dev.apikey.VerifierConfig;
import dev.apikey.internal.CacheHeaders;
import dev.apikey.spi.RateLimitResult;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns every outcome into status, headers and problem+json: the one place that renders the verifier's answers.
 * Answers that never change (a missing key, an unknown key, ...) are rendered once; the rest (waiting times,
 * rate-limit state) per request. Immutable apart from its caches; thread-safe.
 */
final class Responses {
    private static final long SECOND = 1_000_000_000L;

    private final ProblemRenderer problems;
    private final String realm;
    private final boolean rateLimitHeaders;
    private final CacheHeaders cacheHeaders;
    private final Map<Outcome, Decision> fixed = new EnumMap<>(Outcome.class);
    private final String throttledBody;
    private final ConcurrentHashMap<ScopeRequirement, Decision> scopeAnswers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<RateLimitPolicy, PolicyHeaders> policyHeaders = new ConcurrentHashMap<>();

    Responses(VerifierConfig config) {
        this.problems = config.problems();
        this.realm = config.realm();
        this.rateLimitHeaders = config.rateLimitHeaders();
        this.cacheHeaders = new CacheHeaders(config.privateCacheControl(),
                config.varyOnKeyHeader() ? config.headerName() : null);
        String challenge = "ApiKey realm=\"" + realm + "\"";
        fix(Outcome.MISSING_KEY, "This endpoint needs an API key, sent in the " + config.headerName()
                + " header or as Authorization: Bearer <key>.", new HttpHeader("WWW-Authenticate", challenge));
        HttpHeader invalidChallenge = new HttpHeader("WWW-Authenticate", challenge + ", error=\"invalid_key\"");
        for (Outcome o : Outcome.values()) {
            if (o.problem() == Problem.INVALID_KEY) {
                fix(o, "The API key is not valid.", invalidChallenge);
            }
        }
        fix(Outcome.AMBIGUOUS_CREDENTIALS, "The request carries more than one API key.", null);
        fix(Outcome.BAD_CREDENTIAL, "The API key contains characters that are not allowed or is longer than "
                + VerifierConfig.MAX_CREDENTIAL_LENGTH + " characters.", null);
        fix(Outcome.INVALID_PATH, "The request path contains encoded separators or dots, dot segments,"
                + " path parameters or empty segments, which are not accepted.", null);
        fix(Outcome.UNRESOLVED_CLIENT, "The request came through a trusted proxy whose "
                + config.forwardedHeader() + " header does not name the client.", null);
        fix(Outcome.CLEARTEXT_KEY, "API keys must be sent over HTTPS. This one came over plain HTTP and may have"
                + " been read on the way: send it over HTTPS, and rotate it.", null);
        fix(Outcome.ADDRESS_NOT_ALLOWED, "This API key may not be used from this address.", null);
        String unavailable = "API keys cannot be checked right now; retry later.";
        HttpHeader retry = new HttpHeader("Retry-After", "1");
        fix(Outcome.STORE_UNAVAILABLE, unavailable, retry);
        fix(Outcome.LIMITER_UNAVAILABLE, unavailable, retry);
        throttledBody = problems.body(Problem.TOO_MANY_FAILURES,
                "Too many failed attempts from this client; retry after the time in Retry-After.");
    }

    private void fix(Outcome outcome, String detail, HttpHeader header) {
        List<HttpHeader> h = header == null ? List.of(ProblemRenderer.NO_STORE) : List.of(header, ProblemRenderer.NO_STORE);
        fixed.put(outcome, rejection(outcome, h, problems.body(outcome.problem(), detail), null));
    }

    /** The answer of an outcome that depends on nothing but the configuration. */
    Decision of(Outcome outcome) {
        Decision d = fixed.get(outcome);
        if (d == null) {
            throw new IllegalArgumentException(outcome + " needs more than the outcome to render");
        }
        return d;
    }

    /** 429 {@code too-many-failures}: the client failed too often; it may fail again in {@code waitNanos}. */
    Decision throttled(long waitNanos) {
        return rejection(Outcome.CLIENT_THROTTLED, List.of(retryAfter(waitNanos), ProblemRenderer.NO_STORE),
                throttledBody, null);
    }

    /** 429 for an exhausted rate limit, quota or credits, with the rate-limit state the request was counted in. */
    Decision limited(Outcome outcome, long waitNanos, RateLimitPolicy policy, RateLimitResult result, String detail) {
        List<HttpHeader> h = new ArrayList<>();
        h.add(retryAfter(waitNanos));
        h.add(ProblemRenderer.NO_STORE);
        h.addAll(limitHeaders(policy, result));
        return rejection(outcome, h, problems.body(outcome.problem(), detail), result);
    }

    /** 403 {@code insufficient-scope} naming what {@code requirement} asks for. */
    Decision insufficientScope(ScopeRequirement requirement, RateLimitPolicy policy, RateLimitResult result) {
        Decision d = scopeAnswers.computeIfAbsent(requirement, this::scopeAnswer);
        if (result == null) {
            return d;
        }
        List<HttpHeader> h = new ArrayList<>(d.headers());
        h.addAll(limitHeaders(policy, result));
        return rejection(d.outcome(), h, d.body(), result);
    }

    private Decision scopeAnswer(ScopeRequirement req) {
        String scope = req.text();
        String detail = (req.mode() == RequiresScope.Mode.ANY && req.scopes().size() > 1
                ? "The API key needs one of the scopes: " : "The API key lacks the required scope: ") + scope;
        HttpHeader challenge = new HttpHeader("WWW-Authenticate",
                "ApiKey realm=\"" + realm + "\", error=\"insufficient_scope\", scope=\"" + scope + "\"");
        return rejection(Outcome.INSUFFICIENT_SCOPE, List.of(challenge, ProblemRenderer.NO_STORE),
                problems.body(Problem.INSUFFICIENT_SCOPE, detail), null);
    }

    /** The answer that lets {@code principal} through, with the rate-limit state it was counted in. */
    Decision allowed(ApiKeyPrincipal principal, RateLimitPolicy policy, RateLimitResult result) {
        return new Decision(Outcome.ALLOWED, principal, limitHeaders(policy, result), null, result,
                cacheHeaders.cacheControl(), cacheHeaders.varyOn());
    }

    /** {@code RateLimit-Policy} and {@code RateLimit} for the limit that decided {@code result}; none if off or no result. */
    List<HttpHeader> limitHeaders(RateLimitPolicy policy, RateLimitResult result) {
        if (result == null || !rateLimitHeaders) {
            return List.of();
        }
        PolicyHeaders rendered = policyHeaders.computeIfAbsent(policy, PolicyHeaders::new);
        RateLimitResult.LimitState s = result.decisive();
        String value = rendered.nameOf(s.limit()) + ";r=" + s.remaining() + ";t=" + ceilSeconds(s.resetNanos(), 0);
        return List.of(rendered.policy, new HttpHeader("RateLimit", value));
    }

    /**
     * A policy's {@code RateLimit-Policy} header and its limits' quoted names, rendered once per policy: building a
     * limit's name per request was a quarter of a valid verify's time (VerifyBenchmark, JFR samples).
     */
    private static final class PolicyHeaders {
        final HttpHeader policy;
        final List<RateLimit> limits;
        final String[] names;

        PolicyHeaders(RateLimitPolicy p) {
            limits = p.limits();
            names = new String[limits.size()];
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < names.length; i++) {
                RateLimit l = limits.get(i);
                names[i] = '"' + l.name() + '"';
                if (i > 0) {
                    b.append(", ");
                }
                b.append(names[i]).append(";q=").append(l.permits()).append(";w=").append(ceilSeconds(l.period().toNanos(), 1));
            }
            policy = new HttpHeader("RateLimit-Policy", b.toString());
        }

        /** The quoted name of {@code limit}, one of this policy's. */
        String nameOf(RateLimit limit) {
            for (int i = 0; i < names.length; i++) {
                if (limits.get(i) == limit) {
                    return names[i];
                }
            }
            return '"' + limit.name() + '"';
        }
    }

    private static Decision rejection(Outcome outcome, List<HttpHeader> headers, String body, RateLimitResult result) {
        return new Decision(outcome, null, headers, body, result, null, null);
    }

    private static HttpHeader retryAfter(long nanos) {
        return new HttpHeader("Retry-After", Long.toString(ceilSeconds(nanos, 1)));
    }

    private static long ceilSeconds(long nanos, long min) {
        return Math.max(min, (nanos + SECOND - 1) / SECOND);
    }
}
