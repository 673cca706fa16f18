package dev.apikey.internal.pipeline;

import dev.apikey.CleartextKeys;
import dev.apikey.Decision;
import dev.apikey.KeyManager;
import dev.apikey.KeyStatus;
import dev.apikey.Outcome;
import dev.apikey.internal.ClientAddresses;

/**
 * Refuses a key that travelled over plain HTTP from a client that is not on this host (403
 * {@code https-required}), per {@link CleartextKeys}. {@link #beforeLookup} refuses without looking the key up;
 * {@link #afterValidity} refuses a usable key once it is known, so that the audit event names it, and may suspend
 * it. A request whose adapter did not say how it arrived is not checked.
 */
final class TransportStage {
    private final CleartextKeys policy;
    private final ClientAddresses clients;
    private final Responses responses;
    private final KeyManager suspender;

    /** {@code suspender} changes keys for {@link CleartextKeys#SUSPEND}, and is null for the other policies. */
    TransportStage(CleartextKeys policy, ClientAddresses clients, Responses responses, KeyManager suspender) {
        this.policy = policy;
        this.clients = clients;
        this.responses = responses;
        this.suspender = suspender;
    }

    /** For {@link CleartextKeys#REFUSE}: the answer before any hashing or lookup. */
    Decision beforeLookup(Attempt a) {
        return policy == CleartextKeys.REFUSE && inClear(a) ? responses.of(Outcome.CLEARTEXT_KEY) : Stage.CONTINUE;
    }

    /** For {@link CleartextKeys#FLAG} and {@link CleartextKeys#SUSPEND}: the answer once the key is known usable. */
    Decision afterValidity(Attempt a) {
        if ((policy != CleartextKeys.FLAG && policy != CleartextKeys.SUSPEND) || !inClear(a)) {
            return Stage.CONTINUE;
        }
        if (suspender != null && a.record.status() == KeyStatus.ACTIVE) {
            try {
                suspender.suspend(a.record.id());
            } catch (RuntimeException e) {
                // The request is refused either way; the audit event still names the key for a person to act on.
                System.getLogger("dev.apikey").log(System.Logger.Level.WARNING, "could not suspend key " + a.record.id()
                        + " after it was sent in the clear: " + e.getClass().getName());
            }
        }
        return responses.of(Outcome.CLEARTEXT_KEY);
    }

    private boolean inClear(Attempt a) {
        Boolean secure = a.request().secure();
        if (secure == null) {
            return false;
        }
        Boolean forwarded = clients.forwardedSecure(a.request());
        if (forwarded != null) {
            secure = forwarded;
        }
        return !secure && !ClientAddresses.isLoopback(a.client());
    }
}
