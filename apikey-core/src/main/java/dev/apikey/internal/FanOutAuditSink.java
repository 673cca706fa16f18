package dev.apikey.internal;

import dev.apikey.Outcome;
import dev.apikey.spi.AuditEvent;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.LifecycleEvent;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * {@link AuditSink#all}: every event to each sink in turn. A sink that throws is logged by class name and skipped,
 * so one broken destination neither silences the others nor reaches the request or the lifecycle change.
 */
public final class FanOutAuditSink implements AuditSink {
    private static final System.Logger LOG = System.getLogger("dev.apikey");

    private final List<AuditSink> sinks;

    private FanOutAuditSink(List<AuditSink> sinks) {
        this.sinks = sinks;
    }

    /** The fan-out over {@code sinks}: {@link AuditSink#NONE} for none, the sink itself for one. */
    public static AuditSink of(AuditSink... sinks) {
        List<AuditSink> list = List.of(Objects.requireNonNull(sinks, "sinks"));
        return switch (list.size()) {
            case 0 -> AuditSink.NONE;
            case 1 -> list.get(0);
            default -> new FanOutAuditSink(list);
        };
    }

    @Override
    public boolean wants(Outcome outcome) {
        for (AuditSink s : sinks) {
            if (wants(s, outcome)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void record(AuditEvent event) {
        for (AuditSink s : sinks) {
            if (wants(s, event.outcome())) {
                deliver(s, event, s::record);
            }
        }
    }

    @Override
    public void lifecycle(LifecycleEvent event) {
        for (AuditSink s : sinks) {
            deliver(s, event, s::lifecycle);
        }
    }

    /** A sink whose {@code wants} throws is given the event: it is better to log too much than to drop silently. */
    private static boolean wants(AuditSink s, Outcome outcome) {
        try {
            return s.wants(outcome);
        } catch (RuntimeException e) {
            return true;
        }
    }

    private static <E> void deliver(AuditSink s, E event, Consumer<E> to) {
        try {
            to.accept(event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "audit sink " + s.getClass().getName() + " failed: "
                    + e.getClass().getName());
        }
    }

    @Override
    public String toString() {
        return "AuditSink.all" + sinks;
    }
}
