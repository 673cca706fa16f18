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
 */
public record LifecycleEvent(Instant time, Action action, String actor, String target, String successor) {

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
        LEAK
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
        return b.toString();
    }

    @Override
    public String toString() {
        return "LifecycleEvent[" + toLine() + "]";
    }
}
