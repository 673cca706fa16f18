package dev.apikey.internal.pipeline;

import dev.apikey.AccessRequest;
import dev.apikey.Actor;
import dev.apikey.ApiKeyPrincipal;
import dev.apikey.CleartextKeys;
import dev.apikey.Decision;
import dev.apikey.KeyFormat;
import dev.apikey.KeyHasher;
import dev.apikey.KeyManager;
import dev.apikey.Outcome;
import dev.apikey.VerifierConfig;
import dev.apikey.internal.ClientAddresses;
import dev.apikey.internal.LastUsedRecorder;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.DecisionObserver;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.RateLimiter;
import dev.apikey.spi.UsageCounters;

import java.time.Clock;

/**
 * The verification of one request, stage by stage. Each stage lets the request go on or ends it with an answer
 * that {@link Responses} rendered; a failed attempt is then counted against its client, and every answer is
 * audited. Thread-safe; {@link #close()} stops the lookup threads.
 */
public final class Pipeline implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.apikey");

    private final Clock clock;
    private final ClientAddresses clients;
    private final Responses responses;
    private final Stage forwardedClient;
    private final Stage credential;
    private final TransportStage transport;
    private final Stage parse;
    private final LookupStage lookup;
    private final Stage validity;
    private final Stage allowlist;
    private final Stage limits;
    private final Stage scope;
    /** Null when the anomaly signals are off. */
    private final Stage anomalies;
    private final FailureThrottleStage failureThrottle;
    private final AuditStage audit;
    /** Null when none is set, so a verifier without metrics pays one null check. */
    private final DecisionObserver observer;
    private final LastUsedRecorder lastUsed;
    /** Whether a decision's duration is read: by the observer, or by the audit sink. */
    private final boolean timed;

    /** The parts a pipeline works with, besides its configuration. */
    public record Parts(KeyStore store, KeyFormat format, KeyHasher hasher, Clock clock, RateLimiter rateLimiter,
                        UsageCounters counters, AuditSink audit, LastUsedRecorder lastUsed,
                        DecisionObserver observer) {
    }

    /** A pipeline; with a lookup timeout, lookups run on {@code lookupThreads} threads with {@code lookupQueue} places. */
    public Pipeline(VerifierConfig config, Parts parts, int lookupThreads, int lookupQueue) {
        this.clock = parts.clock();
        this.clients = new ClientAddresses(config.trustedProxies(), config.forwardedHeader());
        this.responses = new Responses(config);
        this.forwardedClient = new ForwardedClientStage(responses);
        this.credential = new CredentialStage(config, responses);
        this.transport = new TransportStage(config.cleartextKeys(), clients, responses,
                config.cleartextKeys() != CleartextKeys.SUSPEND ? null : managerActingAs(parts, "cleartext-guard"));
        this.parse = new ParseStage(parts.format(), config.legacyKeys(), responses);
        this.lookup = new LookupStage(parts.store(), parts.hasher(), responses, config.lookupTimeout(),
                lookupThreads, lookupQueue);
        this.validity = new ValidityStage(config.environments(), responses);
        this.allowlist = new AllowlistStage(responses);
        this.limits = new LimitsStage(parts.rateLimiter(), parts.counters(), config.defaultPolicy(),
                config.limiterFailOpen(), responses);
        this.scope = new ScopeStage(responses);
        this.anomalies = config.anomalies() == null ? null
                : new AnomalyStage(config.anomalies(), parts.audit(), managerActingAs(parts, AnomalyStage.ACTOR));
        this.failureThrottle = new FailureThrottleStage(config.clientThrottle(), responses);
        this.audit = new AuditStage(parts.audit());
        this.observer = parts.observer();
        this.lastUsed = parts.lastUsed();
        this.timed = observer != null || audit.wantsAny();
    }

    /** A key manager over the pipeline's store whose changes (a suspension) are audited under {@code actor}. */
    private static KeyManager managerActingAs(Parts parts, String actor) {
        return KeyManager.builder(parts.store()).format(parts.format()).hasher(parts.hasher()).clock(parts.clock())
                .auditSink(parts.audit()).build().actingAs(Actor.named(actor));
    }

    /** Decides one request; never throws for anything the request contains, and fails closed. */
    public Decision verify(AccessRequest request) {
        Attempt a = new Attempt(request, clock, clients, timed);
        Decision d;
        try {
            d = decide(a);
            if (d.outcome().countsAsFailure()) {
                d = failureThrottle.afterFailure(a, d);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "verification failed: " + e.getClass().getName());
            d = responses.of(Outcome.STORE_UNAVAILABLE);
        }
        audit.record(a, d);
        if (observer != null) {
            observe(a, d);
        }
        return d;
    }

    private void observe(Attempt a, Decision d) {
        try {
            observer.decided(a.request().adapter(), d.outcome(), a.record == null ? null : a.record.id(), a.elapsedNanos());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "decision observer failed: " + e.getClass().getName());
        }
    }

    private Decision decide(Attempt a) {
        Decision d = forwardedClient.check(a);  // a trusted proxy's header that names no client: 400
        if (d == null) {
            d = credential.check(a);            // exactly one credential: else 401 missing, 400 ambiguous or bad
        }
        if (d == null) {
            d = transport.beforeLookup(a);      // sent over HTTPS or from this host: else 403 (CleartextKeys.REFUSE)
        }
        if (d == null) {
            d = parse.check(a);                 // a key of the format, before any hashing: else 401 malformed
        }
        if (d == null) {
            d = lookup.check(a);                // a stored record: else 401 unknown, 503 store unavailable
        }
        if (d == null) {
            d = validity.check(a);              // active, within its validity, accepted environment: else 401
        }
        if (d == null) {
            d = transport.afterValidity(a);     // as above, naming the key (CleartextKeys.FLAG, SUSPEND)
        }
        if (d == null) {
            d = allowlist.check(a);             // from an allowed network: else 403
        }
        if (d == null) {
            d = limits.check(a);                // within rate limits, quota and credits: else 429 (503)
        }
        if (d == null) {
            d = scope.check(a);                 // with the scopes the request needs: else 403
        }
        if (d == null && anomalies != null) {
            d = anomalies.check(a);             // unusual traffic on the key: reported (suspended if asked), never refused
        }
        return d != null ? d : allow(a);
    }

    private Decision allow(Attempt a) {
        lastUsed.used(a.record, a.now());
        return responses.allowed(ApiKeyPrincipal.of(a.record), a.policy, a.rateLimit);
    }

    /** The 400 answer for a request whose path an adapter refuses to match against its rules; audited, no key read. */
    public Decision rejectInvalidPath(AccessRequest request) {
        Decision d = responses.of(Outcome.INVALID_PATH);
        Attempt a = new Attempt(request, clock, clients, timed);
        audit.record(a, d);
        if (observer != null) {
            observe(a, d);
        }
        return d;
    }

    /** Stops the lookup threads. */
    @Override
    public void close() {
        lookup.close();
    }
}
