package dev.apikey.spi;

import dev.apikey.Outcome;
import dev.apikey.internal.FanOutAuditSink;
import dev.apikey.local.LoggingAuditSink;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Receives one {@link AuditEvent} per decision and one {@link LifecycleEvent} per lifecycle change. Called on the
 * request thread: implementations should be quick and must not throw (an exception is caught and logged, and never
 * changes the decision or undoes the change).
 */
@FunctionalInterface
public interface AuditSink {
    /** Records one decision. */
    void record(AuditEvent event);

    /**
     * Records one lifecycle change (issue, rotate, revoke, suspend, resume). By default it is logged at INFO as
     * {@link LoggingAuditSink} does, so a sink written for decisions alone never drops a change silently; override
     * it to send changes elsewhere.
     */
    default void lifecycle(LifecycleEvent event) {
        LoggingAuditSink.log(event);
    }

    /**
     * Whether this sink wants the decisions of {@code outcome}; the pipeline builds no {@link AuditEvent} for an
     * outcome no sink wants (allowed requests are most of the traffic, and a sink that drops them should not pay
     * for them). Asked once per decision, so it must be cheap; the default wants every outcome. Lifecycle changes
     * are always delivered. The verifier also asks for every outcome once when it is built: if the sink wants none
     * then (and no {@link DecisionObserver} is set), decisions are not timed, and an event the sink asks for later
     * carries a {@link AuditEvent#durationNanos()} of 0.
     */
    default boolean wants(Outcome outcome) {
        return true;
    }

    /**
     * One sink that hands every event to each of {@code sinks}, in order (a decision only to those that
     * {@linkplain #wants want} its outcome). A sink that throws is logged (its class name, at WARNING) and skipped:
     * the others still get the event, and the request or change goes on as if it had succeeded, since an audit
     * trail that could veto requests would let one broken destination take the service down.
     *
     * @throws NullPointerException if {@code sinks} or one of them is null
     */
    static AuditSink all(AuditSink... sinks) {
        return FanOutAuditSink.of(sinks);
    }

    /**
     * A sink for lifecycle changes only: {@code onLifecycle} gets each one, and the sink wants no decision, so the
     * request path builds no audit event for it. For listeners, metrics and the like.
     */
    static AuditSink lifecycleOnly(Consumer<LifecycleEvent> onLifecycle) {
        Objects.requireNonNull(onLifecycle, "onLifecycle");
        return new AuditSink() {
            @Override
            public void record(AuditEvent event) {
            }

            @Override
            public boolean wants(Outcome outcome) {
                return false;
            }

            @Override
            public void lifecycle(LifecycleEvent event) {
                onLifecycle.accept(event);
            }
        };
    }

    /** A sink that drops every event, decisions and lifecycle changes; the pipeline does not even build events for it. */
    AuditSink NONE = lifecycleOnly(event -> { });
}
