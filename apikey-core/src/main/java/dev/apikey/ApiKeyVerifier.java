package dev.apikey;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.apikey.internal.CacheHeaders;
import dev.apikey.internal.ClientAddresses;
import dev.apikey.internal.FailureThrottle;
import dev.apikey.internal.LastUsedRecorder;
import dev.apikey.internal.UsageIds;
import dev.apikey.spi.AuditEvent;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.Gcra;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.RateLimitResult;
import dev.apikey.spi.RateLimiter;
import dev.apikey.spi.UsageCounters;

import dev.apikey.spi.StoreUnavailableException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The verification pipeline: the one entry point both adapters call, once per request.
 *
 * <pre>
 * extract credential -> parse + checksum -> client throttle -> hash -> store lookup -> status/expiry/env
 *   -> IP allowlist -> rate limits + quota -> scope check -> audit event -> principal
 * </pre>
 *
 * Every decision (which status, which headers, which body) is made here, so the servlet filter and the
 * JAX-RS filter answer the same request identically. Thread-safe. {@link #close()} stops the background
 * last-used writer.
 */
public final class ApiKeyVerifier implements AutoCloseable {
    /** Longest credential accepted; longer values are rejected (400) before any other work. */
    public static final int MAX_CREDENTIAL_LENGTH = 256;
    /** Most credential-carrying header or parameter values examined; more is a 400. */
    public static final int MAX_CREDENTIAL_VALUES = 16;
    /** The default name of the key header. */
    public static final String DEFAULT_HEADER = "X-API-Key";
    /** The default realm. */
    public static final String DEFAULT_REALM = "api";
    /** Threads that run store lookups when a {@linkplain Builder#lookupTimeout lookup timeout} is set. */
    public static final int LOOKUP_THREADS = 16;
    /** Lookups that may wait for a thread when a lookup timeout is set; beyond that the answer is 503. */
    public static final int LOOKUP_QUEUE = 256;
    /** The default base of problem {@code type} URIs; the slug is appended. */
    public static final String DEFAULT_PROBLEM_BASE = "https://apikey.dev/problems/";

    private static final System.Logger LOG = System.getLogger("dev.apikey");
    private static final long SECOND = 1_000_000_000L;

    private final KeyStore store;
    private final KeyFormat format;
    private final KeyHasher hasher;
    private final Clock clock;
    private final boolean systemClock;
    /** With the system clock: the wall time from the same {@code nanoTime} reading that times an audit event. */
    private final WallClock wall;
    private final RateLimiter rateLimiter;
    /** The rate limiter if it is the local one, whose one-limit answer needs no result object; else null. */
    private final LocalRateLimiter localLimiter;
    private final UsageCounters counters;
    private final AuditSink audit;
    private final FailureThrottle throttle;
    private final LastUsedRecorder lastUsed;
    private final ExecutorService ownedExecutor;
    private final ThreadPoolExecutor lookupExecutor;
    private final long lookupTimeoutNanos;
    private final String headerName;
    private final String queryParameter;
    private final String realm;
    private final String problemBase;
    private final ClientAddresses clients;
    private final CacheHeaders cacheHeaders;
    private final Set<Environment> environments;
    private final RateLimitPolicy defaultPolicy;
    private final boolean rateLimitHeaders;
    private final boolean limiterFailOpen;

    private final Decision missing;
    private final Decision invalid;
    private final Decision malformed;
    private final Map<Outcome, Decision> invalidByOutcome = new java.util.EnumMap<>(Outcome.class);
    private final Decision ambiguous;
    private final Decision badCredential;
    private final Decision invalidPath;
    private final Decision unresolvedClient;
    private final String throttledBody;
    private final Decision forbidden;
    private final Decision unavailable;
    private final ConcurrentHashMap<ScopeRequirement, ScopeAnswer> scopeAnswers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<RateLimitPolicy, PolicyHeader> policyHeaders = new ConcurrentHashMap<>();
    private static final int MAX_CACHED_PRINCIPALS = 100_000;
    private final ConcurrentHashMap<String, CachedPrincipal> principals = new ConcurrentHashMap<>();
    /** The RateLimit-Policy header rendered last; when threads race on it, a lost write only costs a map lookup. */
    private volatile PolicyHeader lastPolicyHeader;

    private ApiKeyVerifier(Builder b) {
        this.store = b.store;
        this.format = b.format;
        this.hasher = b.hasher;
        this.clock = b.clock;
        this.systemClock = Clock.system(b.clock.getZone()).equals(b.clock);
        this.wall = new WallClock(System::nanoTime, () -> epochNanos(clock.instant()), SECOND);
        this.rateLimiter = b.rateLimiter != null ? b.rateLimiter : new LocalRateLimiter();
        this.localLimiter = rateLimiter instanceof LocalRateLimiter local ? local : null;
        this.counters = b.counters != null ? b.counters : new LocalUsageCounters(b.clock);
        this.audit = b.audit;
        this.throttle = new FailureThrottle(b.throttle);
        if (b.lastUsedExecutor != null) {
            this.ownedExecutor = null;
            this.lastUsed = new LastUsedRecorder(store, b.lastUsedExecutor);
        } else {
            ThreadPoolExecutor ex = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(10_000), r -> {
                        Thread t = new Thread(r, "apikey-last-used");
                        t.setDaemon(true);
                        return t;
                    }, new ThreadPoolExecutor.DiscardPolicy());
            this.ownedExecutor = ex;
            this.lastUsed = new LastUsedRecorder(store, ex);
        }
        if (b.lookupTimeout != null) {
            this.lookupTimeoutNanos = b.lookupTimeout.toNanos();
            // Bounded threads and queue: a store that hangs and ignores interrupts can tie up at most
            // LOOKUP_THREADS threads; after that requests are refused (503) instead of piling up.
            this.lookupExecutor = new ThreadPoolExecutor(LOOKUP_THREADS, LOOKUP_THREADS, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(LOOKUP_QUEUE), r -> {
                        Thread t = new Thread(r, "apikey-lookup");
                        t.setDaemon(true);
                        return t;
                    }, new ThreadPoolExecutor.AbortPolicy());
            this.lookupExecutor.allowCoreThreadTimeOut(true);
        } else {
            this.lookupTimeoutNanos = 0;
            this.lookupExecutor = null;
        }
        this.headerName = b.headerName;
        this.queryParameter = b.queryParameter;
        this.realm = b.realm;
        this.problemBase = b.problemBase;
        this.clients = new ClientAddresses(b.trustedProxies, b.forwardedHeader);
        this.cacheHeaders = new CacheHeaders(b.privateCacheControl, b.varyOnKeyHeader ? b.headerName : null);
        this.environments = Set.copyOf(b.environments);
        this.defaultPolicy = b.defaultPolicy;
        this.rateLimitHeaders = b.rateLimitHeaders;
        this.limiterFailOpen = b.limiterFailOpen;

        String challenge = "ApiKey realm=\"" + realm + "\"";
        missing = reject(Outcome.MISSING_KEY, "This endpoint needs an API key, sent in the " + headerName
                + " header or as Authorization: Bearer <key>.", List.of(new HttpHeader("WWW-Authenticate", challenge)));
        invalid = reject(Outcome.UNKNOWN_KEY, "The API key is not valid.",
                List.of(new HttpHeader("WWW-Authenticate", challenge + ", error=\"invalid_key\"")));
        ambiguous = reject(Outcome.AMBIGUOUS_CREDENTIALS, "The request carries more than one API key.", List.of());
        badCredential = reject(Outcome.BAD_CREDENTIAL,
                "The API key contains characters that are not allowed or is longer than "
                        + MAX_CREDENTIAL_LENGTH + " characters.", List.of());
        invalidPath = reject(Outcome.INVALID_PATH, "The request path contains encoded separators or dots, dot segments,"
                + " path parameters or empty segments, which are not accepted.", List.of());
        unresolvedClient = reject(Outcome.UNRESOLVED_CLIENT, "The request came through a trusted proxy whose "
                + b.forwardedHeader + " header does not name the client.", List.of());
        throttledBody = body(Problem.TOO_MANY_FAILURES,
                "Too many failed attempts from this client; retry after the time in Retry-After.");
        // Every 401 differs from the unknown-key answer in its outcome only; built once, not per request.
        for (Outcome o : Outcome.values()) {
            if (o.problem() == invalid.problem()) {
                invalidByOutcome.put(o, o == Outcome.UNKNOWN_KEY ? invalid
                        : new Decision(o, null, invalid.headers(), invalid.body()));
            }
        }
        malformed = invalidByOutcome.get(Outcome.MALFORMED_KEY);
        forbidden = reject(Outcome.ADDRESS_NOT_ALLOWED, "This API key may not be used from this address.", List.of());
        unavailable = reject(Outcome.STORE_UNAVAILABLE, "API keys cannot be checked right now; retry later.",
                List.of(new HttpHeader("Retry-After", "1")));
    }

    /** A builder; only the store is required. */
    public static Builder builder(KeyStore store) {
        return new Builder(store);
    }

    /** The name of the header that carries keys (default {@value #DEFAULT_HEADER}). */
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

    /** The store. */
    public KeyStore store() {
        return store;
    }

    /** The key format. */
    public KeyFormat format() {
        return format;
    }

    /** The hasher. */
    public KeyHasher hasher() {
        return hasher;
    }

    /** The clock. */
    public Clock clock() {
        return clock;
    }

    /**
     * Decides one request. Never throws for anything the request contains; a failing store gives a 503
     * decision (fail closed), never an allowed one.
     */
    public Decision verify(AccessRequest request) {
        // The clock is read only where the answer depends on it (a stored key's validity, rate limits, failure
        // counting) or an audit event needs it: two clock reads were a third of a malformed key's rejection.
        boolean auditing = audit != AuditSink.NONE;
        // With the system clock, the verifier's wall time is derived from this same reading (WallClock), so an
        // audited request reads the clock once, not twice.
        long started = auditing ? System.nanoTime() : 0;
        // The time travels as epoch nanoseconds: the Instant the clock returns then never leaves this method
        // and the JIT drops it (it was 24 of the bytes a valid verify allocated).
        long nowNanos = 0;
        boolean timed = false;
        // The client address is worked out only when something needs it (a failed attempt, a key's address
        // allowlist, an audit event, a forwarded header from a trusted proxy): adapters read the peer address
        // lazily, and a container formats it anew on every call.
        String client = null;
        boolean clientKnown = false;
        Decision d;
        KeyRecord record = null;
        String presented = null;
        try {
            if (clients.mayBeForwarded(request)) {
                // First, so that a header naming no client is refused whether or not the address was needed.
                client = clients.resolve(request);
                clientKnown = true;
            }
            Object extracted = ClientAddresses.isUnresolved(client) ? unresolvedClient : extract(request);
            if (extracted instanceof Decision rejection) {
                d = rejection;
            } else {
                String credential = (String) extracted;
                // The credential is copied once into a per-thread buffer; the format check, the CRC and the
                // digest then read those bytes.
                Scratch scratch = Scratch.get();
                int loaded = scratch.load(credential, format);
                if (loaded == Scratch.CONTROL) {
                    d = badCredential;
                } else if (loaded == Scratch.MALFORMED) {
                    if (!clientKnown) {
                        client = clients.resolve(request);
                        clientKnown = true;
                    }
                    d = malformed;
                    if (throttle.counts(client)) {
                        nowNanos = nowNanos(auditing, started);
                        timed = true;
                        d = failed(d, client, nowNanos);
                    }
                } else {
                    presented = credential;
                    nowNanos = nowNanos(auditing, started);
                    timed = true;
                    // No throttle before the lookup: a key that verifies is never refused by it (see ClientThrottle).
                    // A credential that passed the format check has its ISO-8859-1 bytes in the scratch buffer.
                    record = lookupExecutor != null ? lookupBounded(credential) : lookupNow(scratch, credential.length());
                    if (!format.hasBase62Random(scratch.bytes, credential.length())
                            && (record == null || Scratch.hasWide(credential))) {
                        // Shape and checksum fit, the alphabet does not: not a key, as Scratch.load would have
                        // said had it checked the alphabet (which every valid key would then pay for). A '?' in
                        // the bytes may stand for a char above 0xff; found or not, such a credential is not a key.
                        record = null;
                        presented = null;
                        d = Scratch.hasControl(credential) ? badCredential : malformed;
                    } else if (record != null) {
                        d = afterLookup(record, request, nowNanos, client);
                    } else {
                        d = invalid;
                    }
                    if (d.outcome().countsAsFailure()) {
                        if (!clientKnown) {
                            client = clients.resolve(request);
                            clientKnown = true;
                        }
                        d = failed(d, client, nowNanos);
                    }
                }
            }
        } catch (RuntimeException e) {
            // Store (or anything it calls) failed: fail closed. The message may hold store details, so it is
            // logged at a level below WARN and never sent to the client.
            LOG.log(System.Logger.Level.DEBUG, () -> "key lookup failed: " + e.getClass().getName());
            d = unavailable;
        }
        if (auditing && wantsEvent(d.outcome())) {
            emit(timed ? instantOf(nowNanos) : clock.instant(), record, presented, d,
                    auditAddress(clientKnown ? client : clients.resolve(request), request), request, started);
        }
        return d;
    }

    /** Counts a failed attempt of {@code client}: {@code d} stands, or becomes 429 if the client is throttled. */
    private Decision failed(Decision d, String client, long nowNanos) {
        long wait = throttle.recordFailure(client, nowNanos);
        return wait > 0 ? throttled(wait) : d;
    }

    /** The address an audit event names: the client, or the peer when the request could not be placed. */
    private static String auditAddress(String client, AccessRequest request) {
        return ClientAddresses.isUnresolved(client) ? request.remoteAddress() : client;
    }

    /**
     * Now, in epoch nanoseconds. The system clock is read as {@link System#nanoTime()} (which the JIT calls
     * directly, where {@code Clock.instant()} goes through a native method, a third more per read here) and
     * turned into wall time by {@link WallClock}, which reads the wall clock once a second; when the request was
     * timed for the audit ({@code read}), its reading {@code mono} is used, so the clock is read once. Any other
     * clock (a test's, an application's) is asked as it is.
     */
    private long nowNanos(boolean read, long mono) {
        if (!systemClock) {
            return epochNanos(clock.instant());
        }
        return wall.epochNanos(read ? mono : System.nanoTime());
    }

    private static Instant instantOf(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, SECOND), Math.floorMod(epochNanos, SECOND));
    }

    private static long epochNanos(Instant t) {
        return t.getEpochSecond() * SECOND + t.getNano();
    }

    /** False when the default logging sink would drop the event anyway, so it is not built. */
    private boolean wantsEvent(Outcome outcome) {
        return !(audit instanceof LoggingAuditSink logging) || logging.isLoggable(outcome);
    }

    /**
     * The 400 {@code invalid-request} rejection for a request whose path an adapter refuses to match
     * against its rules (see {@link Outcome#INVALID_PATH}). Adapters call this instead of {@link #verify}
     * so that the answer is rendered and audited here like every other one; no key is looked at.
     *
     * @param request the refused request (its method, path and client address go to the audit event; its
     *                headers are not read)
     */
    public Decision rejectInvalidPath(AccessRequest request) {
        if (audit != AuditSink.NONE && wantsEvent(Outcome.INVALID_PATH)) {
            emit(clock.instant(), null, null, invalidPath, auditAddress(clients.resolve(request), request), request,
                    System.nanoTime());
        }
        return invalidPath;
    }

    /** The decision for a stored record; {@code client} is the client's address if already known, else null. */
    private Decision afterLookup(KeyRecord r, AccessRequest request, long nowNanos, String client) {
        switch (r.usabilityAtNanos(nowNanos)) {
            case REVOKED:
                return invalidAs(Outcome.REVOKED_KEY);
            case SUSPENDED:
                return invalidAs(Outcome.SUSPENDED_KEY);
            case EXPIRED:
                return invalidAs(Outcome.EXPIRED_KEY);
            case NOT_YET_VALID:
                return invalidAs(Outcome.NOT_YET_VALID_KEY);
            default:
                break;
        }
        if (!environments.contains(r.environment())) {
            return invalidAs(Outcome.WRONG_ENVIRONMENT);
        }
        if (!r.allowedCidrs().isEmpty()
                && !ClientAddresses.isWithin(r.allowedCidrs(), client != null ? client : clients.resolve(request))) {
            return forbidden;
        }
        RateLimitPolicy policy = r.rateLimitPolicy() != null ? r.rateLimitPolicy() : defaultPolicy;
        RateLimitResult result = null;
        // Above 0: the local limiter admitted the request against the policy's one limit, and the result is built
        // only if something asks for it (LocalRateLimiter.acquireOne).
        long admitted = 0;
        if (policy != null) {
            try {
                if (localLimiter != null && policy.limits().size() == 1) {
                    long answer = localLimiter.acquireOne(UsageIds.bucket(r), policy, nowNanos);
                    if (answer > 0) {
                        admitted = answer;
                    } else {
                        result = LocalRateLimiter.resultOf(policy, answer, nowNanos);
                    }
                } else {
                    result = rateLimiter.tryAcquire(UsageIds.bucket(r), policy, nowNanos);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "rate limiter failed: " + e.getClass().getName());
                if (!limiterFailOpen) {
                    return limiterUnavailable();
                }
            }
            if (result != null && !result.allowed()) {
                return limited(Outcome.RATE_LIMITED, result.retryAfterNanos(), policy, result,
                        "The API key's rate limit is exhausted; retry after the time in Retry-After.");
            }
        }
        // Only keys with a quota or credits need the time as an Instant.
        if (r.quota() != null || r.credits() != null) {
            if (admitted > 0) {
                result = LocalRateLimiter.resultOf(policy, admitted, nowNanos);
                admitted = 0;
            }
            Decision quota = checkCounters(r, instantOf(nowNanos), policy, result);
            if (quota != null) {
                return quota;
            }
        }
        ScopeRequirement requirement = request.requirement();
        if (!requirement.isSatisfiedBy(r.scopes())) {
            if (admitted > 0) {
                result = LocalRateLimiter.resultOf(policy, admitted, nowNanos);
            }
            ScopeAnswer a = scopeAnswers.computeIfAbsent(requirement, this::scopeAnswer);
            List<HttpHeader> extra = limitHeaders(policy, result);
            return result == null ? a.decision : withRateLimit(a.decision, extra, result);
        }
        lastUsed.used(r, nowNanos);
        if ((result == null && admitted == 0) || !rateLimitHeaders) {
            return new Decision(principal(r), this, null, null);
        }
        // Allowed responses render their RateLimit headers only when the adapter asks for them.
        return admitted > 0 ? new Decision(principal(r), this, policy, admitted, nowNanos)
                : new Decision(principal(r), this, policy, result);
    }

    /**
     * The principal of a stored record, built once per record rather than once per request (it was 40 of the
     * bytes a valid verify allocated). The cache holds the record it was built from: the same instance (the
     * in-memory store) is a hit at once; a store that hands out a new instance per lookup is a hit when the
     * fields the principal shows are equal, so a changed record (new scopes, owner, ...) gets a new principal.
     */
    private ApiKeyPrincipal principal(KeyRecord r) {
        CachedPrincipal c = principals.get(r.id());
        if (c != null) {
            if (c.record == r) {
                return c.principal;
            }
            if (c.shows(r)) {
                // Another version of the record that shows the same (its last-used time written, say): the cache
                // now holds it, so that the next lookup is a hit by identity instead of a field-by-field compare.
                // A store that hands out a copy of the same version per lookup leaves the map alone.
                if (c.record.version() != r.version() || !Objects.equals(c.record.lastUsed(), r.lastUsed())) {
                    principals.put(r.id(), new CachedPrincipal(r, c.principal));
                }
                return c.principal;
            }
        }
        ApiKeyPrincipal p = ApiKeyPrincipal.of(r);
        // Bounded like the other per-key maps: it grows with the keys in use; past the bound it starts over.
        if (principals.size() >= MAX_CACHED_PRINCIPALS) {
            principals.clear();
        }
        principals.put(r.id(), new CachedPrincipal(r, p));
        return p;
    }

    private record CachedPrincipal(KeyRecord record, ApiKeyPrincipal principal) {
        boolean shows(KeyRecord r) {
            ApiKeyPrincipal p = principal;
            return p.environment() == r.environment() && p.owner().equals(r.owner())
                    && Objects.equals(p.tenant(), r.tenant()) && p.scopes().equals(r.scopes())
                    && Objects.equals(p.hint(), r.hint());
        }
    }

    List<HttpHeader> limitHeaders(RateLimitPolicy policy, RateLimitResult result) {
        return result == null || !rateLimitHeaders ? List.of() : rateLimitHeaders(policy, result);
    }

    private Decision checkCounters(KeyRecord r, Instant now, RateLimitPolicy policy, RateLimitResult result) {
        try {
            Quota q = r.quota();
            if (q != null) {
                Instant start = q.periodStart(now);
                Instant end = q.periodEnd(now);
                if (counters.tryIncrement(UsageIds.quotaCounter(r, start), q.limit(), end) < 0) {
                    long wait = (end.getEpochSecond() - now.getEpochSecond()) * SECOND - now.getNano();
                    return limited(Outcome.QUOTA_EXCEEDED, wait, policy, result,
                            "The API key's " + (q.period() == Quota.Period.DAY ? "daily" : "monthly")
                                    + " quota is used up; retry after the time in Retry-After.");
                }
            }
            Long credits = r.credits();
            if (credits != null
                    && counters.tryIncrement(UsageIds.creditCounter(r), credits, UsageIds.creditsForgetAt(r)) < 0) {
                return limited(Outcome.CREDITS_EXHAUSTED, 86_400 * SECOND, policy, result,
                        "The API key's credits are used up.");
            }
            return null;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "usage counters failed: " + e.getClass().getName());
            return limiterFailOpen ? null : limiterUnavailable();
        }
    }

    /** The store lookup, from the key bytes the copy left in {@code scratch}. */
    private KeyRecord lookupNow(Scratch scratch, int n) {
        int schemes = hasher.schemeCount();
        for (int i = 0; i < schemes; i++) {
            String scheme = hasher.digestInto(i, scratch, n);
            KeyRecord r = store instanceof InMemoryKeyStore mem
                    ? mem.get(scratch.probe.set(scheme, scratch.bytes, Scratch.INPUT))
                    : store.findByDigest(KeyDigest.wrap(scheme, scratch.bytes, Scratch.INPUT)).orElse(null);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /**
     * Runs the lookup on the lookup executor and waits at most the lookup timeout. A timeout, a full
     * executor or an interrupt throw {@link StoreUnavailableException}, which {@link #verify} answers with 503.
     */
    private KeyRecord lookupBounded(String credential) {
        Future<KeyRecord> f = lookupExecutor.submit(() -> lookupNow(credential));
        try {
            return f.get(lookupTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new StoreUnavailableException("key lookup took longer than " + Duration.ofNanos(lookupTimeoutNanos));
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for the key lookup");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreUnavailableException("key lookup failed", e.getCause());
        }
    }

    /**
     * The lookup as the lookup executor's thread runs it: the key's bytes go into that thread's buffer (the copy
     * cannot fail: the caller's own copy of the same credential passed the format check).
     */
    private KeyRecord lookupNow(String credential) {
        Scratch scratch = Scratch.get();
        scratch.copy(credential);
        return lookupNow(scratch, credential.length());
    }

    /** Extracts the one credential, or returns the rejection (missing, ambiguous, bad). */
    private Object extract(AccessRequest request) {
        String found = null;
        int seen = 0;
        List<String> values = request.headers().get(headerName);
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (++seen > MAX_CREDENTIAL_VALUES) {
                return badCredential;
            }
            Object r = consider(found, v);
            if (r instanceof Decision) {
                return r;
            }
            found = (String) r;
        }
        List<String> auth = request.headers().get("Authorization");
        for (int i = 0; i < auth.size(); i++) {
            if (++seen > MAX_CREDENTIAL_VALUES) {
                return badCredential;
            }
            String token = bearerToken(auth.get(i));
            if (token == null) {
                continue;
            }
            Object r = consider(found, token);
            if (r instanceof Decision) {
                return r;
            }
            found = (String) r;
        }
        if (queryParameter != null) {
            List<String> q = request.queryParameters().get(queryParameter);
            for (int i = 0; i < q.size(); i++) {
                if (++seen > MAX_CREDENTIAL_VALUES) {
                    return badCredential;
                }
                Object r = consider(found, q.get(i));
                if (r instanceof Decision) {
                    return r;
                }
                found = (String) r;
            }
        }
        return found == null ? missing : found;
    }

    private Object consider(String found, String value) {
        if (value == null) {
            return found;
        }
        if (value.length() > MAX_CREDENTIAL_LENGTH) {
            return badCredential;
        }
        String v = trimSpaces(value);
        if (v.isEmpty()) {
            return found;
        }
        // Control characters are looked for only where the answer needs them: here when two values differ
        // (the first one with controls wins, as when every value was scanned on arrival), and in verify for
        // the one credential, in the same pass that copies it for the format check.
        if (found != null && !found.equals(v)) {
            return Scratch.hasControl(found) || Scratch.hasControl(v) ? badCredential : ambiguous;
        }
        return v;
    }

    /** The token of {@code Bearer <t>} or {@code ApiKey <t>} (scheme case-insensitive), "" if empty, null for other schemes. */
    private static String bearerToken(String header) {
        if (header == null) {
            return null;
        }
        String h = trimSpaces(header);
        int sp = 0;
        while (sp < h.length() && h.charAt(sp) != ' ' && h.charAt(sp) != '\t') {
            sp++;
        }
        String scheme = h.substring(0, sp);
        if (!scheme.equalsIgnoreCase("Bearer") && !scheme.equalsIgnoreCase("ApiKey")) {
            return null;
        }
        return h.substring(sp);
    }

    private static String trimSpaces(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) {
            a++;
        }
        while (b > a && (s.charAt(b - 1) == ' ' || s.charAt(b - 1) == '\t')) {
            b--;
        }
        return a == 0 && b == s.length() ? s : s.substring(a, b);
    }

    /** What allowed responses get in {@code Cache-Control} and {@code Vary} (for {@link Decision}). */
    CacheHeaders cacheHeaders() {
        return cacheHeaders;
    }

    private void emit(Instant now, KeyRecord r, String presented, Decision d, String client, AccessRequest request,
                      long started) {
        try {
            String hint = r != null ? r.hint() : presented != null ? ApiKey.hint(presented, format.prefix().length()) : null;
            audit.record(new AuditEvent(now, r == null ? null : r.id(), hint, r == null ? null : r.owner(),
                    d.outcome(), d.status(), client, request.method(), request.path(),
                    request.requirement().text(), System.nanoTime() - started));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "audit sink failed: " + e.getClass().getName());
        }
    }

    // ---- rendering ---------------------------------------------------------------------------------------

    private Decision invalidAs(Outcome outcome) {
        return invalidByOutcome.get(outcome);
    }

    private Decision throttled(long waitNanos) {
        return new Decision(Outcome.CLIENT_THROTTLED, null,
                List.of(new HttpHeader("Retry-After", retryAfter(waitNanos)), noStore()), throttledBody);
    }

    private Decision limiterUnavailable() {
        return new Decision(Outcome.LIMITER_UNAVAILABLE, null, unavailable.headers(), unavailable.body());
    }

    private Decision limited(Outcome outcome, long waitNanos, RateLimitPolicy policy, RateLimitResult result,
                             String detail) {
        List<HttpHeader> limitHeaders = limitHeaders(policy, result);
        List<HttpHeader> h = new ArrayList<>(2 + limitHeaders.size());
        h.add(new HttpHeader("Retry-After", retryAfter(waitNanos)));
        h.add(noStore());
        h.addAll(limitHeaders);
        return new Decision(outcome, null, List.copyOf(h), body(outcome.problem(), detail), result);
    }

    private static Decision withRateLimit(Decision d, List<HttpHeader> extra, RateLimitResult result) {
        List<HttpHeader> h = new ArrayList<>(d.headers());
        h.addAll(extra);
        return new Decision(d.outcome(), d.principal(), List.copyOf(h), d.body(), result);
    }

    private ScopeAnswer scopeAnswer(ScopeRequirement req) {
        String scope = req.text();
        String detail = (req.mode() == RequiresScope.Mode.ANY && req.scopes().size() > 1
                ? "The API key needs one of the scopes: " : "The API key lacks the required scope: ") + scope;
        return new ScopeAnswer(reject(Outcome.INSUFFICIENT_SCOPE, detail, List.of(new HttpHeader("WWW-Authenticate",
                "ApiKey realm=\"" + realm + "\", error=\"insufficient_scope\", scope=\"" + scope + "\""))));
    }

    private record ScopeAnswer(Decision decision) {
    }

    private List<HttpHeader> rateLimitHeaders(RateLimitPolicy policy, RateLimitResult result) {
        PolicyHeader rendered = renderedPolicy(policy);
        RateLimitResult.LimitState s = result.decisive();
        return rateLimitHeaders(rendered, rendered.nameOf(s.limit()), s.remaining(), s.resetNanos());
    }

    /**
     * The RateLimit headers of a request the local limiter admitted against {@code policy}'s one limit, from its
     * answer ({@link LocalRateLimiter#acquireOne}, above 0: the limit's TAT less now), without the
     * {@link RateLimitResult} (three objects) that {@link #rateLimitHeaders(RateLimitPolicy, RateLimitResult)}
     * reads the same two numbers from.
     */
    List<HttpHeader> admittedHeaders(RateLimitPolicy policy, long answer) {
        PolicyHeader rendered = renderedPolicy(policy);
        long remaining = Gcra.remainingOne(policy.limits().get(0), rendered.firstInterval, answer);
        return rateLimitHeaders(rendered, rendered.names[0], remaining, answer);
    }

    private PolicyHeader renderedPolicy(RateLimitPolicy policy) {
        // The header of the policy seen last is checked by identity first: the map lookup hashed the policy
        // record (its limits and their Durations) on every allowed request.
        PolicyHeader rendered = lastPolicyHeader;
        if (rendered == null || rendered.policy != policy) {
            rendered = policyHeaders.computeIfAbsent(policy, PolicyHeader::of);
            lastPolicyHeader = rendered;
        }
        return rendered;
    }

    private static List<HttpHeader> rateLimitHeaders(PolicyHeader rendered, String name, long remaining, long resetNanos) {
        // A concatenation fills one exactly sized array; a StringBuilder filled its own and then copied it.
        String value = '"' + name + "\";r=" + remaining + ";t=" + ceilSeconds(resetNanos, 0);
        return List.of(rendered.header, new HttpHeader("RateLimit", value));
    }

    /**
     * A policy's RateLimit-Policy header, its limits' names ({@link RateLimit#name()} builds a new string) and
     * the GCRA interval of its first limit (a division).
     */
    private record PolicyHeader(RateLimitPolicy policy, HttpHeader header, String[] names, long firstInterval) {
        static PolicyHeader of(RateLimitPolicy policy) {
            List<RateLimit> limits = policy.limits();
            String[] names = new String[limits.size()];
            for (int i = 0; i < names.length; i++) {
                names[i] = limits.get(i).name();
            }
            return new PolicyHeader(policy, new HttpHeader("RateLimit-Policy", policyHeader(policy)), names,
                    Gcra.interval(limits.get(0)));
        }

        String nameOf(RateLimit limit) {
            List<RateLimit> limits = policy.limits();
            for (int i = 0; i < names.length; i++) {
                if (limits.get(i) == limit) {
                    return names[i];
                }
            }
            return limit.name();
        }
    }

    private static String policyHeader(RateLimitPolicy policy) {
        StringBuilder b = new StringBuilder();
        for (RateLimit l : policy.limits()) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append('"').append(l.name()).append("\";q=").append(l.permits())
                    .append(";w=").append(ceilSeconds(l.period().toNanos(), 1));
        }
        return b.toString();
    }

    private static long ceilSeconds(long nanos, long min) {
        return Math.max(min, (nanos + SECOND - 1) / SECOND);
    }

    private static String retryAfter(long nanos) {
        return Long.toString(ceilSeconds(nanos, 1));
    }

    private static HttpHeader noStore() {
        return new HttpHeader("Cache-Control", "no-store");
    }

    private Decision reject(Outcome outcome, String detail, List<HttpHeader> headers) {
        List<HttpHeader> h = new ArrayList<>(headers);
        h.add(noStore());
        return new Decision(outcome, null, List.copyOf(h), body(outcome.problem(), detail));
    }

    private String body(Problem p, String detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", problemBase + p.slug());
        m.put("title", p.title());
        m.put("status", p.status());
        m.put("detail", detail);
        try {
            return JSON.std.asString(m);
        } catch (IOException e) {
            throw new IllegalStateException("cannot render problem body", e);
        }
    }

    /** Stops the background last-used writer (pending writes are finished, up to 5 s) and the lookup threads. */
    @Override
    public void close() {
        if (lookupExecutor != null) {
            lookupExecutor.shutdownNow();
        }
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
            try {
                ownedExecutor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Builder for {@link ApiKeyVerifier}. Programmatic users and the adapters' configuration (web.xml
     * init-params) go through the same methods; each fails fast with a message naming the wrong value.
     */
    public static final class Builder {
        private final KeyStore store;
        private KeyFormat format = KeyFormat.ofDefaults();
        private KeyHasher hasher = KeyHasher.sha256();
        private Clock clock = Clock.systemUTC();
        private RateLimiter rateLimiter;
        private UsageCounters counters;
        private AuditSink audit = new LoggingAuditSink();
        private ClientThrottle throttle = ClientThrottle.ofDefaults();
        private Executor lastUsedExecutor;
        private String headerName = DEFAULT_HEADER;
        private String queryParameter;
        private String realm = DEFAULT_REALM;
        private String problemBase = DEFAULT_PROBLEM_BASE;
        private final List<Cidr> trustedProxies = new ArrayList<>();
        private String forwardedHeader = ClientAddresses.X_FORWARDED_FOR;
        private boolean privateCacheControl = true;
        private boolean varyOnKeyHeader = true;
        private final Set<Environment> environments = EnumSet.allOf(Environment.class);
        private RateLimitPolicy defaultPolicy;
        private boolean rateLimitHeaders = true;
        private boolean limiterFailOpen;
        private Duration lookupTimeout;

        private Builder(KeyStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** Settings shared with a {@link KeyManager}: its store must be this builder's store. */
        public Builder from(KeyManager manager) {
            if (manager.store() != store) {
                throw new InvalidConfigurationException("the key manager writes to a different store");
            }
            return format(manager.format()).hasher(manager.hasher()).clock(manager.clock());
        }

        /** The key format (default prefix {@code ak}). */
        public Builder format(KeyFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /** The hasher (default SHA-256); must match the one keys were issued with. */
        public Builder hasher(KeyHasher hasher) {
            this.hasher = Objects.requireNonNull(hasher, "hasher");
            return this;
        }

        /** The clock (default system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The rate limiter (default {@link LocalRateLimiter}). */
        public Builder rateLimiter(RateLimiter rateLimiter) {
            this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
            return this;
        }

        /** The quota and credit counters (default {@link LocalUsageCounters}). */
        public Builder usageCounters(UsageCounters counters) {
            this.counters = Objects.requireNonNull(counters, "counters");
            return this;
        }

        /** Where audit events go (default {@link LoggingAuditSink}). */
        public Builder auditSink(AuditSink audit) {
            this.audit = Objects.requireNonNull(audit, "auditSink");
            return this;
        }

        /** Failed-attempt throttling per client address (default {@link ClientThrottle#ofDefaults()}). */
        public Builder clientThrottle(ClientThrottle throttle) {
            this.throttle = Objects.requireNonNull(throttle, "clientThrottle");
            return this;
        }

        /** Where last-used writes run (default: one daemon thread owned by the verifier). */
        public Builder lastUsedExecutor(Executor executor) {
            this.lastUsedExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * The header that carries keys (default {@value #DEFAULT_HEADER}; matched case-insensitively).
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

        /** The realm in {@code WWW-Authenticate} (default {@value #DEFAULT_REALM}); printable ASCII without quotes. */
        public Builder realm(String realm) {
            if (realm == null || realm.isEmpty() || realm.length() > 64
                    || !realm.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\')) {
                throw new InvalidConfigurationException(
                        "realm must be 1-64 printable ASCII chars without quotes or backslashes, got '" + Text.safe(realm) + "'");
            }
            this.realm = realm;
            return this;
        }

        /** The base of problem {@code type} URIs (default {@value #DEFAULT_PROBLEM_BASE}). */
        public Builder problemTypeBase(String base) {
            if (base == null || base.isEmpty() || base.length() > 200 || !base.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new InvalidConfigurationException("problem type base must be a URI prefix, got '" + Text.safe(base) + "'");
            }
            this.problemBase = base;
            return this;
        }

        /**
         * Proxies whose {@linkplain #forwardedHeader forwarded header} is believed (CIDRs); default none. The client
         * is its right-most entry that is not a trusted proxy; a header that names none (over 32 entries or 2048
         * chars, no IP address there) gets 400 {@code invalid-request}, so that it is never charged to the proxy.
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

        /** The policy for keys that have none (default: no limit). */
        public Builder defaultRateLimit(RateLimitPolicy policy) {
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

        /** Builds the verifier. */
        public ApiKeyVerifier build() {
            return new ApiKeyVerifier(this);
        }
    }

    @Override
    public String toString() {
        return "ApiKeyVerifier[header=" + headerName + ", realm=" + realm + ", store=" + store + "]";
    }
}
