package dev.apikey.spi;

import dev.apikey.Outcome;
import dev.apikey.internal.Escaping;

import java.time.Instant;

/**
 * One decision, for the audit trail. Holds the key id and hint, never the key or its digest.
 *
 * @param time           when the decision was made
 * @param keyId          the key id, or {@code null} if no stored key was found
 * @param hint           the hint of the presented key if it was well-formed, else {@code null}
 * @param owner          the key's owner, or {@code null}
 * @param outcome        allowed, or the internal reason of the rejection
 * @param status         the HTTP status of the answer
 * @param clientAddress  the client address (after trusted-proxy resolution), or {@code null}
 * @param method         the HTTP method
 * @param path           the request path
 * @param requiredScope  the scope requirement, space-separated, or empty
 * @param durationNanos  how long the decision took; 0 if it was not timed (see {@link AuditSink#wants})
 * @param legacy         true if the credential went through the legacy path (an imported key outside the key format)
 */
public record AuditEvent(Instant time, String keyId, String hint, String owner, Outcome outcome, int status,
                         String clientAddress, String method, String path, String requiredScope,
                         long durationNanos, boolean legacy) {

    /** An event of a key of the format. */
    public AuditEvent(Instant time, String keyId, String hint, String owner, Outcome outcome, int status,
                      String clientAddress, String method, String path, String requiredScope, long durationNanos) {
        this(time, keyId, hint, owner, outcome, status, clientAddress, method, path, requiredScope, durationNanos, false);
    }

    /**
     * One line of {@code name=value} pairs; every value that came from the request is escaped (CR, LF and
     * other control characters become visible escapes) and shortened, so a line cannot be split or forged.
     */
    public String toLine() {
        StringBuilder b = new StringBuilder(160);
        b.append("time=").append(time)
                .append(" outcome=").append(outcome)
                .append(" status=").append(status)
                .append(" key=").append(keyId == null ? "-" : keyId)
                .append(" hint=").append(hint == null ? "-" : Escaping.escape(hint, 40))
                .append(" owner=\"").append(owner == null ? "" : Escaping.escape(owner, 128)).append('"')
                .append(" client=").append(clientAddress == null ? "-" : Escaping.escape(clientAddress, 64))
                .append(" method=").append(Escaping.escape(method, 16))
                .append(" path=\"").append(Escaping.escape(path, 256)).append('"')
                .append(" scope=\"").append(Escaping.escape(requiredScope, 256)).append('"')
                .append(" micros=").append(durationNanos / 1000);
        if (legacy) {
            b.append(" legacy=true");
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "AuditEvent[" + toLine() + "]";
    }
}
