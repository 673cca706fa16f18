package dev.apikey.leak;

/**
 * What one reported string turned out to be. Holds the key's id when it is ours, never the string itself.
 *
 * @param verdict what the string was
 * @param keyId   the id of our key, or {@code null} when the string is not one of ours
 */
public record LeakResult(Verdict verdict, String keyId) {

    /** What a reported string was, and what was done. */
    public enum Verdict {
        /** Not a key of any known format, or its checksum does not match: nothing was looked up. */
        MALFORMED(false),
        /** A well-formed key that this deployment never issued (or of another prefix). */
        UNKNOWN(false),
        /** One of our keys, already revoked: nothing left to do. */
        ALREADY_REVOKED(true),
        /** One of our keys, now revoked. */
        REVOKED(true),
        /** One of our keys, now suspended (or already suspended). */
        SUSPENDED(true),
        /** One of our keys, left as it was ({@link LeakAction#NOTIFY}). */
        NOTIFIED(true);

        private final boolean ours;

        Verdict(boolean ours) {
            this.ours = ours;
        }

        /** Whether the string is a key this deployment issued: a true positive, in a scanner's words. */
        public boolean ours() {
            return ours;
        }
    }
}
