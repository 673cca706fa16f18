package dev.apikey.spi;

import dev.apikey.LoggingAuditSink;

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

    /** A sink that drops every event, decisions and lifecycle changes; the pipeline does not even build events for it. */
    AuditSink NONE = new AuditSink() {
        @Override
        public void record(AuditEvent event) {
        }

        @Override
        public void lifecycle(LifecycleEvent event) {
        }
    };

    /** A sink that drops every event ({@link #NONE}). */
    static AuditSink none() {
        return NONE;
    }
}
