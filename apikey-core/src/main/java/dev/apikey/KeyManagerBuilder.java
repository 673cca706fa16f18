package dev.apikey;

import dev.apikey.local.LoggingAuditSink;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.KeyStore;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** Builder for {@link KeyManager}: {@code KeyManager.builder(store)...build()}; only the store is required. */
public final class KeyManagerBuilder {
    final KeyStore store;
    KeySettings.Builder settings = KeySettings.custom();
    Duration maxGracePeriod = KeyManager.DEFAULT_MAX_GRACE_PERIOD;
    AuditSink audit = new LoggingAuditSink();

    KeyManagerBuilder(KeyStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The format, hasher and clock, replacing those set before; share the value with the verifier. */
    public KeyManagerBuilder settings(KeySettings settings) {
        this.settings = KeySettings.from(settings);
        return this;
    }

    /** See {@link KeySettings.Builder#format}. */
    public KeyManagerBuilder format(KeyFormat format) {
        settings.format(format);
        return this;
    }

    /** See {@link KeySettings.Builder#hasher}. */
    public KeyManagerBuilder hasher(KeyHasher hasher) {
        settings.hasher(hasher);
        return this;
    }

    /** See {@link KeySettings.Builder#clock}. */
    public KeyManagerBuilder clock(Clock clock) {
        settings.clock(clock);
        return this;
    }

    /**
     * The longest grace period a rotation may give the old key (default 7 days, {@link KeyManager#DEFAULT_MAX_GRACE_PERIOD}):
     * a rotation is usually a reaction to a leak, and a long grace keeps the leaked key alive.
     *
     * @throws InvalidConfigurationException if it is negative
     */
    public KeyManagerBuilder maxGracePeriod(Duration maxGracePeriod) {
        if (maxGracePeriod == null || maxGracePeriod.isNegative()) {
            throw new InvalidConfigurationException("maxGracePeriod must be zero or positive, got " + maxGracePeriod);
        }
        this.maxGracePeriod = maxGracePeriod;
        return this;
    }

    /**
     * Where lifecycle changes are reported ({@link AuditSink#lifecycle}); default {@link LoggingAuditSink}, one
     * INFO line per change on {@value LoggingAuditSink#LIFECYCLE_LOGGER_NAME}.
     */
    public KeyManagerBuilder auditSink(AuditSink audit) {
        this.audit = Objects.requireNonNull(audit, "auditSink");
        return this;
    }

    /** Builds the manager. */
    public KeyManager build() {
        return new KeyManager(this);
    }
}
