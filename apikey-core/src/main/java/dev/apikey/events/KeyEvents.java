package dev.apikey.events;

import dev.apikey.spi.AuditSink;
import dev.apikey.spi.LifecycleEvent;
import dev.apikey.spi.LifecycleEvent.Action;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Connects a {@link KeyEventListener} to the audit trail: lifecycle events (from the key manager, the admin API,
 * leak reports, the cleartext guard, the expiry reminder) reach the listener; decisions do not, and cost nothing.
 *
 * <pre>{@code
 * AuditSink sink = AuditSink.all(new LoggingAuditSink(), KeyEvents.auditSink(webhooks));
 * KeyManager manager = KeyManager.builder(store).auditSink(sink).build();
 * }</pre>
 */
public final class KeyEvents {
    /** The actions a listener hears by default: every change and notice, not refused attempts. */
    public static final Set<Action> DEFAULT_ACTIONS = Set.copyOf(EnumSet.complementOf(EnumSet.of(Action.DENIED)));

    private KeyEvents() {
    }

    /** A sink that hands {@link #DEFAULT_ACTIONS} to {@code listener}. */
    public static AuditSink auditSink(KeyEventListener listener) {
        return auditSink(listener, DEFAULT_ACTIONS);
    }

    /** A sink that hands lifecycle events of {@code actions} to {@code listener}, and drops everything else. */
    public static AuditSink auditSink(KeyEventListener listener, Set<Action> actions) {
        Objects.requireNonNull(listener, "listener");
        Set<Action> wanted = EnumSet.copyOf(Objects.requireNonNull(actions, "actions"));
        return AuditSink.lifecycleOnly(event -> {
            if (wanted.contains(event.action())) {
                listener.onEvent(event);
            }
        });
    }
}
