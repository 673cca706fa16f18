package dev.apikey;

import dev.apikey.internal.LastUsedRecorder;
import dev.apikey.internal.pipeline.Pipeline;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.DecisionObserver;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.RateLimiter;
import dev.apikey.spi.UsageCounters;

import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one entry point both adapters call, once per request:
 *
 * <pre>
 * forwarded client -> credential -> parse -> lookup -> validity -> allowlist -> limits -> scope -> principal
 *   (a failed attempt is then counted against its client; every answer is audited)
 * </pre>
 *
 * Every decision (which status, which headers, which body) is made here, so the servlet filter and the
 * JAX-RS filter answer the same request identically. Thread-safe. {@link #close()} stops the background
 * last-used writer.
 */
public final class ApiKeyVerifier implements AutoCloseable {
    /** Longest credential accepted; longer values are rejected (400) before any other work. */
    public static final int MAX_CREDENTIAL_LENGTH = VerifierConfig.MAX_CREDENTIAL_LENGTH;
    /** Most credential-carrying header or parameter values examined; more is a 400. */
    public static final int MAX_CREDENTIAL_VALUES = VerifierConfig.MAX_CREDENTIAL_VALUES;
    /** The default name of the key header. */
    public static final String DEFAULT_HEADER = VerifierConfig.DEFAULT_HEADER;
    /** The default realm. */
    public static final String DEFAULT_REALM = VerifierConfig.DEFAULT_REALM;
    /** Threads that run store lookups when a {@linkplain VerifierConfig#lookupTimeout() lookup timeout} is set. */
    public static final int LOOKUP_THREADS = 16;
    /** Lookups that may wait for a thread when a lookup timeout is set; beyond that the answer is 503. */
    public static final int LOOKUP_QUEUE = 256;
    /** The default base of problem {@code type} URIs; the slug is appended. */
    public static final String DEFAULT_PROBLEM_BASE = ProblemRenderer.DEFAULT_BASE;

    private final KeyStore store;
    private final KeySettings settings;
    private final VerifierConfig config;
    private final ExecutorService ownedExecutor;
    private final Pipeline pipeline;

    ApiKeyVerifier(KeyStore store, KeySettings settings, VerifierConfig config, RateLimiter rateLimiter,
                   UsageCounters counters, AuditSink audit, Executor lastUsedExecutor, DecisionObserver observer) {
        this.store = store;
        this.settings = settings;
        this.config = config;
        if (lastUsedExecutor == null) {
            ThreadPoolExecutor ex = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(10_000), r -> {
                        Thread t = new Thread(r, "apikey-last-used");
                        t.setDaemon(true);
                        return t;
                    }, new ThreadPoolExecutor.DiscardPolicy());
            this.ownedExecutor = ex;
            lastUsedExecutor = ex;
        } else {
            this.ownedExecutor = null;
        }
        this.pipeline = new Pipeline(config, new Pipeline.Parts(store, settings.format(), settings.hasher(), settings.clock(),
                rateLimiter, counters, audit, new LastUsedRecorder(store, lastUsedExecutor), observer), LOOKUP_THREADS, LOOKUP_QUEUE);
    }

    /** A builder; only the store is required. */
    public static VerifierBuilder builder(KeyStore store) {
        return new VerifierBuilder(store);
    }

    /**
     * Decides one request. Never throws for anything the request contains; a failing store gives a 503
     * decision (fail closed), never an allowed one.
     */
    public Decision verify(AccessRequest request) {
        return pipeline.verify(request);
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
        return pipeline.rejectInvalidPath(request);
    }

    /** The configuration this verifier answers by. */
    public VerifierConfig config() {
        return config;
    }

    /** The renderer of this verifier's problem bodies, for other answers of the same application (the admin API). */
    public ProblemRenderer problems() {
        return config.problems();
    }

    /** The name of the header that carries keys (default {@value #DEFAULT_HEADER}). */
    public String headerName() {
        return config.headerName();
    }

    /** The query parameter that may carry keys, or {@code null} when that is off (the default). */
    public String queryParameter() {
        return config.queryParameter();
    }

    /** The realm named in {@code WWW-Authenticate}. */
    public String realm() {
        return config.realm();
    }

    /** The store. */
    public KeyStore store() {
        return store;
    }

    /** The format, hasher and clock this verifier works with. */
    public KeySettings settings() {
        return settings;
    }

    /** The key format. */
    public KeyFormat format() {
        return settings.format();
    }

    /** The hasher. */
    public KeyHasher hasher() {
        return settings.hasher();
    }

    /** The clock. */
    public Clock clock() {
        return settings.clock();
    }

    /** Stops the background last-used writer (pending writes are finished, up to 5 s) and the lookup threads. */
    @Override
    public void close() {
        pipeline.close();
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
            try {
                ownedExecutor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "ApiKeyVerifier[header=" + config.headerName() + ", realm=" + config.realm() + ", store=" + store + "]";
    }
}
