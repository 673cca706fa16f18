package dev.apikey;

/**
 * A value given to a builder, a parser or the key-management API is not acceptable. The message names
 * the value (never a secret) and what was expected.
 */
public final class InvalidConfigurationException extends ApiKeyException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that names the field and what was expected. */
    public InvalidConfigurationException(String message) {
        super(message);
    }
}
