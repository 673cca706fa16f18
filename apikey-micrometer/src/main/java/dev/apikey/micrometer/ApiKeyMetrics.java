package dev.apikey.micrometer;

import dev.apikey.AccessRequest;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.Outcome;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.DecisionObserver;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.LifecycleEvent;
import dev.apikey.spi.StoreStatistics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Micrometer meters for a verifier's decisions: hand it to {@code ApiKeyVerifier.builder(store).decisionObserver(...)}.
 * <ul>
 *   <li>{@value #DECISIONS} (counter), tags {@code adapter} ({@code servlet}, {@code jaxrs}, {@code other}) and
 *       {@code outcome} (the {@link Outcome} in lower case, e.g. {@code allowed}, {@code unknown_key});</li>
 *   <li>{@value #VERIFICATION} (function timer: count and total, no maximum), tag {@code adapter}: how long each
 *       decision took in the verifier;</li>
 *   <li>{@value #LIFECYCLE} (counter), tag {@code action} ({@code issue}, {@code revoke}, {@code anomaly}, ...): key
 *       lifecycle events, counted by the sink {@link #auditSink()} that the application adds to its audit sinks.</li>
 * </ul>
 * Every meter is created up front (3 adapters, one per outcome), so a decision costs two array reads, an increment
 * and two additions: no tag is built and no map is asked per request. An adapter name other than
 * {@code servlet} and {@code jaxrs} counts as {@code other}, so the number of series is fixed. Thread-safe.
 */
public final class ApiKeyMetrics implements DecisionObserver {
    /** The name of the decision counter. */
    public static final String DECISIONS = "apikey.decisions";
    /** The name of the verification timer. */
    public static final String VERIFICATION = "apikey.verification";
    /** The name of the lifecycle event counter. */
    public static final String LIFECYCLE = "apikey.lifecycle";
    /** The name of the per-key decision counter (opt-in, {@link #bindTo(MeterRegistry, int, Duration)}). */
    public static final String KEY_DECISIONS = "apikey.key.decisions";
    /** The name of the store's record gauge. */
    public static final String STORE_RECORDS = "apikey.store.records";
    /** The name of the store cache's lookup counter (tag {@code result}: {@code hit} or {@code miss}). */
    public static final String STORE_CACHE_LOOKUPS = "apikey.store.cache.lookups";
    /** The name of the store cache's hit-ratio gauge. */
    public static final String STORE_CACHE_HIT_RATIO = "apikey.store.cache.hit.ratio";
    private static final System.Logger LOG = System.getLogger(ApiKeyMetrics.class.getName());

    private static final String[] ADAPTERS = {AccessRequest.SERVLET, AccessRequest.JAXRS, AccessRequest.OTHER};
    private static final int OTHER = 2;

    private final Counter[][] decisions = new Counter[ADAPTERS.length][Outcome.values().length];
    // One count and one sum per adapter, read by a FunctionTimer: a Timer's record also keeps a rolling maximum,
    // which cost more than the rest of the metrics together (MetricsBenchmark A/B, see docs/operating.md).
    private final LongAdder[] timed = new LongAdder[ADAPTERS.length];
    private final LongAdder[] timedNanos = new LongAdder[ADAPTERS.length];
    private final Counter[] lifecycle = new Counter[LifecycleEvent.Action.values().length];

    private final MeterRegistry registry;
    /** Null unless per-key counters were asked for. */
    private final TopKeys topKeys;

    private ApiKeyMetrics(MeterRegistry registry, TopKeys topKeys) {
        this.registry = registry;
        this.topKeys = topKeys;
        for (int a = 0; a < ADAPTERS.length; a++) {
            for (Outcome o : Outcome.values()) {
                decisions[a][o.ordinal()] = Counter.builder(DECISIONS)
                        .description("API-key decisions by adapter and outcome")
                        .tag("adapter", ADAPTERS[a]).tag("outcome", o.name().toLowerCase(Locale.ROOT))
                        .register(registry);
            }
            LongAdder count = new LongAdder();
            LongAdder total = new LongAdder();
            timed[a] = count;
            timedNanos[a] = total;
            FunctionTimer.builder(VERIFICATION, count, LongAdder::sum, c -> total.sum(), TimeUnit.NANOSECONDS)
                    .description("Time the API-key verifier took per decision").tag("adapter", ADAPTERS[a])
                    .register(registry);
        }
        for (LifecycleEvent.Action action : LifecycleEvent.Action.values()) {
            lifecycle[action.ordinal()] = Counter.builder(LIFECYCLE).description("API-key lifecycle events by action")
                    .tag("action", action.name().toLowerCase(Locale.ROOT)).register(registry);
        }
    }

    /**
     * A sink that counts lifecycle events in {@value #LIFECYCLE} (issued, revoked, anomaly, leak, ...): add it to the
     * key manager's and the verifier's audit sinks with {@code AuditSink.all(...)}. It wants no decisions, so the
     * request path builds no audit event for it.
     */
    public AuditSink auditSink() {
        return AuditSink.lifecycleOnly(event -> lifecycle[event.action().ordinal()].increment());
    }

    /**
     * Gauges for {@code store} if it tells about itself ({@link StoreStatistics}: the in-memory, file, JDBC and Hazelcast stores
     * do): {@value #STORE_RECORDS}, and for a store with a per-node cache (JDBC with {@code cache(...)})
     * {@value #STORE_CACHE_LOOKUPS}{@code {result=hit|miss}} and {@value #STORE_CACHE_HIT_RATIO}. The record count is
     * read at scrape time (one {@code count(*)} for JDBC); a store that cannot answer shows NaN and logs at DEBUG.
     *
     * @return this, for chaining
     */
    public ApiKeyMetrics bindStore(KeyStore store) {
        if (!(store instanceof StoreStatistics stats)) {
            return this;
        }
        Gauge.builder(STORE_RECORDS, stats, ApiKeyMetrics::records).description("API-key records in the store")
                .strongReference(true).register(registry);
        if (stats.cacheHits() >= 0) {
            FunctionCounter.builder(STORE_CACHE_LOOKUPS, stats, StoreStatistics::cacheHits).tag("result", "hit")
                    .description("Key lookups by digest, answered by the store's per-node cache or not")
                    .register(registry);
            FunctionCounter.builder(STORE_CACHE_LOOKUPS, stats, StoreStatistics::cacheMisses).tag("result", "miss")
                    .description("Key lookups by digest, answered by the store's per-node cache or not")
                    .register(registry);
            Gauge.builder(STORE_CACHE_HIT_RATIO, stats, ApiKeyMetrics::hitRatio)
                    .description("Share of key lookups the store's per-node cache answered").register(registry);
        }
        return this;
    }

    private static double records(StoreStatistics s) {
        try {
            return s.recordCount();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "store record count failed: " + e.getClass().getName());
            return Double.NaN;
        }
    }

    private static double hitRatio(StoreStatistics s) {
        double hits = s.cacheHits();
        double all = hits + s.cacheMisses();
        return all > 0 ? hits / all : Double.NaN;
    }

    /** Meters registered in {@code registry}, ready to observe a verifier. */
    public static ApiKeyMetrics bindTo(MeterRegistry registry) {
        return new ApiKeyMetrics(Objects.requireNonNull(registry, "registry"), null);
    }

    /**
     * As {@link #bindTo(MeterRegistry)}, plus per-key counters: {@value #KEY_DECISIONS}{@code {key}} for the
     * {@code topKeys} keys with the most decisions in the last {@code period}, and {@code key="other"} for the rest,
     * so at most {@code topKeys + 1} series. The tag is the public key id; never a key or a digest.
     *
     * @throws InvalidConfigurationException if {@code topKeys} is not 1 to 1000 or the period is not positive
     */
    public static ApiKeyMetrics bindTo(MeterRegistry registry, int topKeys, Duration period) {
        Objects.requireNonNull(registry, "registry");
        if (topKeys < 1 || topKeys > 1000 || period == null || period.isNegative() || period.isZero()) {
            throw new InvalidConfigurationException("top keys must be 1 to 1000 and the period positive, got "
                    + topKeys + " and " + period);
        }
        return new ApiKeyMetrics(registry, new TopKeys(registry, topKeys, period.toNanos(), System::nanoTime));
    }

    /** The ids that have their own {@value #KEY_DECISIONS} series now (empty without per-key counters). */
    public List<String> topKeys() {
        return topKeys == null ? List.of() : topKeys.keys();
    }

    @Override
    public void decided(String adapter, Outcome outcome, String keyId, long nanos) {
        int a = slot(adapter);
        decisions[a][outcome.ordinal()].increment();
        timed[a].increment();
        timedNanos[a].add(nanos);
        if (topKeys != null && keyId != null) {
            topKeys.count(keyId);
        }
    }

    /** The adapter's slot; adapters pass the constants, so the reference check nearly always decides. */
    private static int slot(String adapter) {
        for (int i = 0; i < OTHER; i++) {
            if (adapter == ADAPTERS[i] || ADAPTERS[i].equals(adapter)) {
                return i;
            }
        }
        return OTHER;
    }
}
