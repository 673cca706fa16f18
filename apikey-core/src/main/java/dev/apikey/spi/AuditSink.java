package dev.apikey.spi;

/**
 * Receives one {@link AuditEvent} per decision. Called on the request thread: implementations should be
 * quick and must not throw (an exception is caught and logged, and never changes the decision).
 */
@FunctionalInterface
public interface AuditSink {
    /** Records one decision. */
    void record(AuditEvent event);

    /** A sink that drops every event; the pipeline does not even build events for it. */
    AuditSink NONE = e -> { };

    /** A sink that drops every event ({@link #NONE}). */
    static AuditSink none() {
        return NONE;
    }
}
