package dev.apikey;

import dev.apikey.spi.AuditEvent;
import dev.apikey.spi.AuditSink;

/**
 * The default audit sink: one line per decision through {@link System.Logger} {@value #LOGGER_NAME}.
 * Allowed requests log at DEBUG, rejections at INFO, unavailability at WARNING. Lines are built by
 * {@link AuditEvent#toLine()}, which escapes control characters; they never contain a key or digest.
 */
public final class LoggingAuditSink implements AuditSink {
    /** The logger name. */
    public static final String LOGGER_NAME = "dev.apikey.audit";
    private static final System.Logger LOG = System.getLogger(LOGGER_NAME);

    /** Creates the sink. */
    public LoggingAuditSink() {
    }

    @Override
    public void record(AuditEvent event) {
        System.Logger.Level level = level(event.outcome());
        if (LOG.isLoggable(level)) {
            LOG.log(level, event.toLine());
        }
    }

    /** Whether an event of this outcome would be written; the verifier skips building the others. */
    boolean isLoggable(Outcome outcome) {
        return LOG.isLoggable(level(outcome));
    }

    private static System.Logger.Level level(Outcome outcome) {
        return switch (outcome.problem()) {
            case NONE -> System.Logger.Level.DEBUG;
            case UNAVAILABLE -> System.Logger.Level.WARNING;
            default -> System.Logger.Level.INFO;
        };
    }
}
