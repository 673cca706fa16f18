package dev.apikey.spi;

import dev.apikey.AccessRequest;
import dev.apikey.Outcome;

/**
 * Sees every decision of a verifier once, after it is made and audited: which adapter asked, the outcome, the id of
 * the key when a stored record was found, and how long the decision took. It is the hook for metrics (see the
 * {@code apikey-micrometer} module); set it with {@code ApiKeyVerifier.builder(store).decisionObserver(...)}.
 * A verifier without one pays a single null check per request.
 *
 * <p>Called on the request thread for every request, allowed ones included: an implementation must be quick,
 * should allocate nothing, and must not throw (an exception is caught, logged at DEBUG with its class name only,
 * and never changes the answer). It never receives a key or a digest.
 */
@FunctionalInterface
public interface DecisionObserver {
    /**
     * One decision.
     *
     * @param adapter the adapter that asked ({@link AccessRequest#SERVLET}, {@link AccessRequest#JAXRS}, or what the
     *                caller set; {@link AccessRequest#OTHER} by default); one of few constant strings
     * @param outcome why the request was allowed or rejected
     * @param keyId   the public id of the key whose record was found (also for rejections such as revoked or
     *                rate-limited keys), or {@code null} when none was (no credential, malformed, unknown)
     * @param nanos   how long the verifier took, from receiving the request to the audited answer
     */
    void decided(String adapter, Outcome outcome, String keyId, long nanos);
}
