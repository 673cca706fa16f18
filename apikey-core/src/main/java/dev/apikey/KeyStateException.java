package dev.apikey;

/** A lifecycle operation does not apply to the key's current state (e.g. resuming a revoked key). */
public final class KeyStateException extends ApiKeyException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the key id and its state. */
    public KeyStateException(String message) {
        super(message);
    }
}
