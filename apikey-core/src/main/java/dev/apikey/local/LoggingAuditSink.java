package dev.apikey.local;

import dev.apikey.Outcome;
import dev.apikey.spi.AuditEvent;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.LifecycleEvent;

/**
 * The default audit sink: one line per decision through {@link System.Logger} {@value #LOGGER_NAME}, and one line
 * per lifecycle change through {@value #LIFECYCLE_LOGGER_NAME} (a child of it, so one level setting covers both, or
 * each can be routed on its own). Allowed requests log at DEBUG, rejections and lifecycle changes at INFO,
 * unavailability at WARNING. Lines are built by {@link AuditEvent#toLine()} and {@link LifecycleEvent#toLine()},
 * which escape control characters; they never contain a key or digest.
 */
public final class LoggingAuditSink implements AuditSink {
    /** The logger name of decisions. */
    public static final String LOGGER_NAME = "dev.apikey.audit";
    /** The logger name of lifecycle changes. */
    public static final String LIFECYCLE_LOGGER_NAME = LOGGER_NAME + ".lifecycle";
    private static final System.Logger LOG = System.getLogger(LOGGER_NAME);
    private static final System.Logger LIFECYCLE_LOG = System.getLogger(LIFECYCLE_LOGGER_NAME);

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

    @Override
    public void lifecycle(LifecycleEvent event) {
        log(event);
    }

    /** Logs a lifecycle change at INFO; {@link AuditSink#lifecycle}'s default. */
    public static void log(LifecycleEvent event) {
        if (LIFECYCLE_LOG.isLoggable(System.Logger.Level.INFO)) {
            LIFECYCLE_LOG.log(System.Logger.Level.INFO, event.toLine());
        }
    }

    /** Only the outcomes whose level the logger writes: allowed requests are skipped unless DEBUG is on. */
    @Override
    public boolean wants(Outcome outcome) {
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
