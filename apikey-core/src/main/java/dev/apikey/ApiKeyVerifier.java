package dev.apikey;

import dev.apikey.internal.LastUsedRecorder;
import dev.apikey.internal.pipeline.Pipeline;
import dev.apikey.local.LocalRateLimiter;
import dev.apikey.local.LocalUsageCounters;
import dev.apikey.local.LoggingAuditSink;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.RateLimiter;
import dev.apikey.spi.UsageCounters;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
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

    private ApiKeyVerifier(Builder b) {
        this.store = b.store;
        this.settings = b.settings.build();
        this.config = b.config.build();
        Executor lastUsedExecutor = b.lastUsedExecutor;
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
                b.rateLimiter != null ? b.rateLimiter : new LocalRateLimiter(),
                b.counters != null ? b.counters : new LocalUsageCounters(settings.clock()), b.audit,
                new LastUsedRecorder(store, lastUsedExecutor)), LOOKUP_THREADS, LOOKUP_QUEUE);
    }

    /** A builder; only the store is required. */
    public static Builder builder(KeyStore store) {
        return new Builder(store);
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

    /**
     * Builder for {@link ApiKeyVerifier}: the parts it works with (store, format, hasher, clock, limiter, counters,
     * audit sink) and its {@link VerifierConfig}. The setting methods below are shorthands that change the same
     * configuration {@link #config} sets, so both ways validate alike.
     */
    public static final class Builder {
        private final KeyStore store;
        private KeySettings.Builder settings = KeySettings.custom();
        private RateLimiter rateLimiter;
        private UsageCounters counters;
        private AuditSink audit = new LoggingAuditSink();
        private Executor lastUsedExecutor;
        private VerifierConfig.Builder config = VerifierConfig.custom();

        private Builder(KeyStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * The {@linkplain KeyManager#settings() settings} of {@code manager}, which must write to this builder's
         * store; the same as {@code settings(manager.settings())} with that check.
         */
        public Builder from(KeyManager manager) {
            if (manager.store() != store) {
                throw new InvalidConfigurationException("the key manager writes to a different store");
            }
            return settings(manager.settings());
        }

        /** The format, hasher and clock, replacing those set before; the same value the key manager was built with. */
        public Builder settings(KeySettings settings) {
            this.settings = KeySettings.from(settings);
            return this;
        }

        /** Every setting of {@code config}, replacing those made before. */
        public Builder config(VerifierConfig config) {
            this.config = VerifierConfig.from(Objects.requireNonNull(config, "config"));
            return this;
        }

        /** See {@link KeySettings.Builder#format}. */
        public Builder format(KeyFormat format) {
            settings.format(format);
            return this;
        }

        /** See {@link KeySettings.Builder#hasher}; must match the one keys were issued with. */
        public Builder hasher(KeyHasher hasher) {
            settings.hasher(hasher);
            return this;
        }

        /** See {@link KeySettings.Builder#clock}. */
        public Builder clock(Clock clock) {
            settings.clock(clock);
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

        /** Where last-used writes run (default: one daemon thread owned by the verifier). */
        public Builder lastUsedExecutor(Executor executor) {
            this.lastUsedExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** See {@link VerifierConfig.Builder#clientThrottle}. */
        public Builder clientThrottle(ClientThrottle throttle) {
            config.clientThrottle(throttle);
            return this;
        }

        /** See {@link VerifierConfig.Builder#headerName}. */
        public Builder headerName(String name) {
            config.headerName(name);
            return this;
        }

        /** See {@link VerifierConfig.Builder#queryParameter}. */
        public Builder queryParameter(String name) {
            config.queryParameter(name);
            return this;
        }

        /** See {@link VerifierConfig.Builder#realm}. */
        public Builder realm(String realm) {
            config.realm(realm);
            return this;
        }

        /** See {@link VerifierConfig.Builder#problemTypeBase}. */
        public Builder problemTypeBase(String base) {
            config.problemTypeBase(base);
            return this;
        }

        /** See {@link VerifierConfig.Builder#trustedProxies}. */
        public Builder trustedProxies(Collection<String> cidrs) {
            config.trustedProxies(cidrs);
            return this;
        }

        /** See {@link VerifierConfig.Builder#forwardedHeader}. */
        public Builder forwardedHeader(String name) {
            config.forwardedHeader(name);
            return this;
        }

        /** See {@link VerifierConfig.Builder#privateCacheControl}. */
        public Builder privateCacheControl(boolean on) {
            config.privateCacheControl(on);
            return this;
        }

        /** See {@link VerifierConfig.Builder#varyOnKeyHeader}. */
        public Builder varyOnKeyHeader(boolean on) {
            config.varyOnKeyHeader(on);
            return this;
        }

        /** See {@link VerifierConfig.Builder#environments}. */
        public Builder environments(Environment... accepted) {
            config.environments(accepted);
            return this;
        }

        /** See {@link VerifierConfig.Builder#defaultRateLimit}. */
        public Builder defaultRateLimit(RateLimitPolicy policy) {
            config.defaultRateLimit(policy);
            return this;
        }

        /** See {@link VerifierConfig.Builder#rateLimitHeaders}. */
        public Builder rateLimitHeaders(boolean on) {
            config.rateLimitHeaders(on);
            return this;
        }

        /** See {@link VerifierConfig.Builder#rateLimiterFailOpen}. */
        public Builder rateLimiterFailOpen(boolean failOpen) {
            config.rateLimiterFailOpen(failOpen);
            return this;
        }

        /** See {@link VerifierConfig.Builder#lookupTimeout}. */
        public Builder lookupTimeout(Duration timeout) {
            config.lookupTimeout(timeout);
            return this;
        }

        /** Builds the verifier. */
        public ApiKeyVerifier build() {
            return new ApiKeyVerifier(this);
        }
    }
}
