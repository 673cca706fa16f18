package dev.apikey;

/** A string is not a well-formed key: wrong length, prefix, environment, alphabet or checksum. */
public final class InvalidKeyFormatException extends ApiKeyException {
    private static final long serialVersionUID = 1L;
    private final KeyFormat.Check reason;

    /** Creates the exception for the given failed check; the message never repeats the input. */
    public InvalidKeyFormatException(KeyFormat.Check reason) {
        super("not a valid API key: " + reason.description());
        this.reason = reason;
    }

    /** Which check the input failed. */
    public KeyFormat.Check reason() {
        return reason;
    }
}
