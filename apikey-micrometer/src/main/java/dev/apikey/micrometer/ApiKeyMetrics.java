package dev.apikey.micrometer;

import dev.apikey.AccessRequest;
import dev.apikey.Outcome;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.DecisionObserver;
import dev.apikey.spi.LifecycleEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters for a verifier's decisions: hand it to {@code ApiKeyVerifier.builder(store).decisionObserver(...)}.
 * <ul>
 *   <li>{@value #DECISIONS} (counter), tags {@code adapter} ({@code servlet}, {@code jaxrs}, {@code other}) and
 *       {@code outcome} (the {@link Outcome} in lower case, e.g. {@code allowed}, {@code unknown_key});</li>
 *   <li>{@value #VERIFICATION} (timer), tag {@code adapter}: how long each decision took in the verifier;</li>
 *   <li>{@value #LIFECYCLE} (counter), tag {@code action} ({@code issue}, {@code revoke}, {@code anomaly}, ...): key
 *       lifecycle events, counted by the sink {@link #auditSink()} that the application adds to its audit sinks.</li>
 * </ul>
 * Every meter is created up front (3 adapters, one per outcome), so a decision costs two array reads, an increment
 * and a timer record: no tag is built and no map is asked per request. An adapter name other than
 * {@code servlet} and {@code jaxrs} counts as {@code other}, so the number of series is fixed. Thread-safe.
 */
public final class ApiKeyMetrics implements DecisionObserver {
    /** The name of the decision counter. */
    public static final String DECISIONS = "apikey.decisions";
    /** The name of the verification timer. */
    public static final String VERIFICATION = "apikey.verification";
    /** The name of the lifecycle event counter. */
    public static final String LIFECYCLE = "apikey.lifecycle";

    private static final String[] ADAPTERS = {AccessRequest.SERVLET, AccessRequest.JAXRS, AccessRequest.OTHER};
    private static final int OTHER = 2;

    private final Counter[][] decisions = new Counter[ADAPTERS.length][Outcome.values().length];
    private final Timer[] timers = new Timer[ADAPTERS.length];
    private final Counter[] lifecycle = new Counter[LifecycleEvent.Action.values().length];

    private ApiKeyMetrics(MeterRegistry registry) {
        for (int a = 0; a < ADAPTERS.length; a++) {
            for (Outcome o : Outcome.values()) {
                decisions[a][o.ordinal()] = Counter.builder(DECISIONS)
                        .description("API-key decisions by adapter and outcome")
                        .tag("adapter", ADAPTERS[a]).tag("outcome", o.name().toLowerCase(Locale.ROOT))
                        .register(registry);
            }
            timers[a] = Timer.builder(VERIFICATION).description("Time the API-key verifier took per decision")
                    .tag("adapter", ADAPTERS[a]).register(registry);
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

    /** Meters registered in {@code registry}, ready to observe a verifier. */
    public static ApiKeyMetrics bindTo(MeterRegistry registry) {
        return new ApiKeyMetrics(Objects.requireNonNull(registry, "registry"));
    }

    @Override
    public void decided(String adapter, Outcome outcome, String keyId, long nanos) {
        int a = slot(adapter);
        decisions[a][outcome.ordinal()].increment();
        timers[a].record(nanos, TimeUnit.NANOSECONDS);
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
