package dev.apikey;

/**
 * What the verifier does with a key that arrived over plain HTTP from a client that is not on this host
 * ({@link VerifierConfig.Builder#cleartextKeys}). A key sent in the clear may have been read on the way, so by default
 * it is refused, and the client learns to use HTTPS before it depends on the API.
 *
 * <p>The request's transport is what its adapter saw ({@code ServletRequest.isSecure()}, or the JAX-RS security
 * context), or, from a {@linkplain VerifierConfig.Builder#trustedProxies trusted proxy}, what the proxy says in
 * {@code X-Forwarded-Proto} (or the {@code proto} of its {@code Forwarded} element when that is the forwarded
 * header). Clients on loopback are always accepted, for development.
 */
public enum CleartextKeys {
    /** Accepted as if sent over HTTPS. Only for a deployment where TLS ends somewhere the verifier cannot see. */
    ALLOW,
    /** Refused with 403 {@code https-required} before the key is looked up (the default). */
    REFUSE,
    /** Refused with 403 {@code https-required} after the key is looked up, so that the audit event names the key. */
    FLAG,
    /** As {@link #FLAG}, and the key is suspended (a lifecycle change by the actor {@code cleartext-guard}). */
    SUSPEND
}
