package dev.apikey.events;

import dev.apikey.spi.LifecycleEvent;

/**
 * Hears about what happens to keys, to tell the outside: issued, rotated, revoked, suspended, resumed, updated,
 * reported leaked, flagged by an anomaly signal, expiring soon. Plug one in where lifecycle events already flow, with
 * {@link KeyEvents#auditSink}, and hand that sink to the key manager and the verifier. Events carry ids only, never a
 * key or a digest. Called on the thread that made the change (a request thread, for the admin API): an
 * implementation must return at once and hand slow work to a thread of its own, as {@code StandardWebhooks} does.
 */
@FunctionalInterface
public interface KeyEventListener {
    /** One event; must not block, and should not throw (an exception is logged and never undoes the change). */
    void onEvent(LifecycleEvent event);
}
