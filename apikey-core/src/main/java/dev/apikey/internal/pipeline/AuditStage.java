package dev.apikey.internal.pipeline;

import dev.apikey.Decision;
import dev.apikey.KeyRecord;
import dev.apikey.Outcome;
import dev.apikey.internal.ClientAddresses;
import dev.apikey.spi.AuditEvent;
import dev.apikey.spi.AuditSink;

/**
 * Hands every decision to the audit sink as an {@link AuditEvent}: the key's id, hint and owner when known, the
 * outcome and status, the client (or the peer when a proxy's header did not name one), the request and how long
 * the decision took. A failing sink is logged and never changes the answer.
 */
final class AuditStage {
    private static final System.Logger LOG = System.getLogger("dev.apikey");

    private final AuditSink sink;

    AuditStage(AuditSink sink) {
        this.sink = sink;
    }

    /** Whether the sink wanted any outcome when asked (at start): if not, decisions need no timing for it. */
    boolean wantsAny() {
        for (Outcome o : Outcome.values()) {
            if (wants(o)) {
                return true;
            }
        }
        return false;
    }

    void record(Attempt a, Decision d) {
        if (!wants(d.outcome())) {
            return;
        }
        try {
            KeyRecord r = a.record;
            String hint = r != null ? r.hint() : a.key != null ? a.key.hint() : null;
            String client = ClientAddresses.isUnresolved(a.client()) ? a.request().remoteAddress() : a.client();
            sink.record(new AuditEvent(a.now(), r == null ? null : r.id(), hint, r == null ? null : r.owner(),
                    d.outcome(), d.status(), client, a.request().method(), a.request().path(),
                    a.request().requirement().text(), a.elapsedNanos(), a.legacy));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "audit sink failed: " + e.getClass().getName());
        }
    }

    /** False when the sink would drop the event anyway, so it is not built. A sink that throws here wants it. */
    private boolean wants(Outcome outcome) {
        try {
            return sink.wants(outcome);
        } catch (RuntimeException e) {
            return true;
        }
    }
}
