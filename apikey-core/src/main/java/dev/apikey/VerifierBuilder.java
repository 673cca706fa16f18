package dev.apikey;

import dev.apikey.local.LocalRateLimiter;
import dev.apikey.local.LocalUsageCounters;
import dev.apikey.local.LoggingAuditSink;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.DecisionObserver;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.RateLimiter;
import dev.apikey.spi.UsageCounters;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Builder for {@link ApiKeyVerifier}: the parts it works with (store, format, hasher, clock, limiter, counters,
 * audit sink) and its {@link VerifierConfig}. The setting methods below are shorthands that change the same
 * configuration {@link #config} sets, so both ways validate alike.
 */
public final class VerifierBuilder {
    private final KeyStore store;
    private KeySettings.Builder settings = KeySettings.custom();
    private RateLimiter rateLimiter;
    private UsageCounters counters;
    private AuditSink audit = new LoggingAuditSink();
    private DecisionObserver observer;
    private Executor lastUsedExecutor;
    private VerifierConfig.Builder config = VerifierConfig.custom();

    VerifierBuilder(KeyStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * The {@linkplain KeyManager#settings() settings} of {@code manager}, which must write to this builder's
     * store; the same as {@code settings(manager.settings())} with that check.
     */
    public VerifierBuilder from(KeyManager manager) {
        if (manager.store() != store) {
            throw new InvalidConfigurationException("the key manager writes to a different store");
        }
        return settings(manager.settings());
    }

    /** The format, hasher and clock, replacing those set before; the same value the key manager was built with. */
    public VerifierBuilder settings(KeySettings settings) {
        this.settings = KeySettings.from(settings);
        return this;
    }

    /** Every setting of {@code config}, replacing those made before. */
    public VerifierBuilder config(VerifierConfig config) {
        this.config = VerifierConfig.from(Objects.requireNonNull(config, "config"));
        return this;
    }

    /** See {@link KeySettings.Builder#format}. */
    public VerifierBuilder format(KeyFormat format) {
        settings.format(format);
        return this;
    }

    /** See {@link KeySettings.Builder#hasher}; must match the one keys were issued with. */
    public VerifierBuilder hasher(KeyHasher hasher) {
        settings.hasher(hasher);
        return this;
    }

    /** See {@link KeySettings.Builder#clock}. */
    public VerifierBuilder clock(Clock clock) {
        settings.clock(clock);
        return this;
    }

    /** The rate limiter (default {@link LocalRateLimiter}). */
    public VerifierBuilder rateLimiter(RateLimiter rateLimiter) {
        this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
        return this;
    }

    /** The quota and credit counters (default {@link LocalUsageCounters}). */
    public VerifierBuilder usageCounters(UsageCounters counters) {
        this.counters = Objects.requireNonNull(counters, "counters");
        return this;
    }

    /** Where audit events go (default {@link LoggingAuditSink}). */
    public VerifierBuilder auditSink(AuditSink audit) {
        this.audit = Objects.requireNonNull(audit, "auditSink");
        return this;
    }

    /** Who sees every decision, for metrics (default none; see {@link DecisionObserver}). */
    public VerifierBuilder decisionObserver(DecisionObserver observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
        return this;
    }

    /** Where last-used writes run (default: one daemon thread owned by the verifier). */
    public VerifierBuilder lastUsedExecutor(Executor executor) {
        this.lastUsedExecutor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /** See {@link VerifierConfig.Builder#clientThrottle}. */
    public VerifierBuilder clientThrottle(ClientThrottle throttle) {
        config.clientThrottle(throttle);
        return this;
    }

    /** See {@link VerifierConfig.Builder#headerName}. */
    public VerifierBuilder headerName(String name) {
        config.headerName(name);
        return this;
    }

    /** See {@link VerifierConfig.Builder#queryParameter}. */
    public VerifierBuilder queryParameter(String name) {
        config.queryParameter(name);
        return this;
    }

    /** See {@link VerifierConfig.Builder#realm}. */
    public VerifierBuilder realm(String realm) {
        config.realm(realm);
        return this;
    }

    /** See {@link VerifierConfig.Builder#problemTypeBase}. */
    public VerifierBuilder problemTypeBase(String base) {
        config.problemTypeBase(base);
        return this;
    }

    /** See {@link VerifierConfig.Builder#trustedProxies}. */
    public VerifierBuilder trustedProxies(Collection<String> cidrs) {
        config.trustedProxies(cidrs);
        return this;
    }

    /** See {@link VerifierConfig.Builder#forwardedHeader}. */
    public VerifierBuilder forwardedHeader(String name) {
        config.forwardedHeader(name);
        return this;
    }

    /** See {@link VerifierConfig.Builder#privateCacheControl}. */
    public VerifierBuilder privateCacheControl(boolean on) {
        config.privateCacheControl(on);
        return this;
    }

    /** See {@link VerifierConfig.Builder#varyOnKeyHeader}. */
    public VerifierBuilder varyOnKeyHeader(boolean on) {
        config.varyOnKeyHeader(on);
        return this;
    }

    /** See {@link VerifierConfig.Builder#environments}. */
    public VerifierBuilder environments(Environment... accepted) {
        config.environments(accepted);
        return this;
    }

    /** See {@link VerifierConfig.Builder#defaultRateLimit}. */
    public VerifierBuilder defaultRateLimit(RateLimitPolicy policy) {
        config.defaultRateLimit(policy);
        return this;
    }

    /** See {@link VerifierConfig.Builder#rateLimitHeaders}. */
    public VerifierBuilder rateLimitHeaders(boolean on) {
        config.rateLimitHeaders(on);
        return this;
    }

    /** See {@link VerifierConfig.Builder#anomalies}. */
    public VerifierBuilder anomalies(dev.apikey.anomaly.AnomalyPolicy policy) {
        config.anomalies(policy);
        return this;
    }

    /** See {@link VerifierConfig.Builder#legacyKeys}. */
    public VerifierBuilder legacyKeys(boolean enabled) {
        config.legacyKeys(enabled);
        return this;
    }

    /** See {@link VerifierConfig.Builder#rateLimiterFailOpen}. */
    public VerifierBuilder rateLimiterFailOpen(boolean failOpen) {
        config.rateLimiterFailOpen(failOpen);
        return this;
    }

    /** See {@link VerifierConfig.Builder#cleartextKeys}. */
    public VerifierBuilder cleartextKeys(CleartextKeys policy) {
        config.cleartextKeys(policy);
        return this;
    }

    /** See {@link VerifierConfig.Builder#lookupTimeout}. */
    public VerifierBuilder lookupTimeout(Duration timeout) {
        config.lookupTimeout(timeout);
        return this;
    }

    /** Builds the verifier. */
    public ApiKeyVerifier build() {
        KeySettings keySettings = settings.build();
        return new ApiKeyVerifier(store, keySettings, config.build(),
                rateLimiter != null ? rateLimiter : new LocalRateLimiter(),
                counters != null ? counters : new LocalUsageCounters(keySettings.clock()), audit, lastUsedExecutor, observer);
    }
}
