package dev.apikey.spi;

import dev.apikey.internal.Escaping;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One change to a key's lifecycle, for the audit trail: who did what to which key. Holds ids only, never a key or
 * its digest.
 *
 * @param time      when the change was stored
 * @param action    what was done
 * @param actor     the id of the acting key ({@code key_...}), or the name of an actor without one ({@code cli},
 *                  {@code application}), see {@link dev.apikey.Actor}
 * @param target    the id of the changed key
 * @param successor for {@link Action#ROTATE}, the new key's id; for a {@link Action#REVOKE} that followed the
 *                  revocation of a later key of the same rotation chain, that key's id; else {@code null}
 * @param detail    a short machine-readable note of {@code name=value} pairs for the actions that carry one
 *                  ({@link Action#UPDATE}: the fields changed; {@link Action#ANOMALY}: the signal and figures;
 *                  {@link Action#EXPIRING}: the expiry), else {@code null}; never a key or digest
 */
public record LifecycleEvent(Instant time, Action action, String actor, String target, String successor,
                             String detail) {

    /** What was done to the key. */
    public enum Action {
        /** A key was issued. */
        ISSUE,
        /** A successor was issued; the target keeps working until its grace period ends. */
        ROTATE,
        /** The key was revoked for good. */
        REVOKE,
        /** The key was suspended. */
        SUSPEND,
        /** The key was made active again. */
        RESUME,
        /** The key was reported found where it should not be; the actor is the reporter. Nothing changed by it. */
        LEAK,
        /** Some of the key's settings (scopes, limits, labels, ...) were changed in place; the detail names them. */
        UPDATE,
        /**
         * Traffic on the key looked unusual to this node (an anomaly signal); the detail names the signal. Nothing
         * changed by it unless a policy then suspends the key, which is a separate {@link #SUSPEND} event.
         */
        ANOMALY,
        /** The key expires soon (a reminder, not a change); the detail holds the expiry. */
        EXPIRING,
        /**
         * An actor was refused a change or a read of the key: it lacks the key's scopes, or the key belongs to
         * another tenant (the caller got 403 or 404). Nothing changed; the detail names the attempted action and
         * the reason. For a refused issue there is no key yet, and the target is {@code -}.
         */
        DENIED
    }

    /** An event without a detail. */
    public LifecycleEvent(Instant time, Action action, String actor, String target, String successor) {
        this(time, action, actor, target, successor, null);
    }

    /** Checks the required fields. */
    public LifecycleEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(target, "target");
    }

    /**
     * One line of {@code name=value} pairs, e.g.
     * {@code lifecycle time=... action=rotate actor=key_A target=key_B successor=key_C}. The actor is escaped
     * (it may be a name), so a line cannot be split or forged.
     */
    public String toLine() {
        StringBuilder b = new StringBuilder(120);
        b.append("lifecycle time=").append(time)
                .append(" action=").append(action.name().toLowerCase(Locale.ROOT))
                .append(" actor=").append(Escaping.escape(actor, 64))
                .append(" target=").append(Escaping.escape(target, 64));
        if (successor != null) {
            b.append(" successor=").append(Escaping.escape(successor, 64));
        }
        if (detail != null) {
            b.append(" detail=").append(Escaping.escape(detail, 200));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "LifecycleEvent[" + toLine() + "]";
    }
}
