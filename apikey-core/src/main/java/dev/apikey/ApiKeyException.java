package dev.apikey;

/**
 * Base class of every exception this library throws. Messages say what was wrong and what was
 * expected; they never contain a plaintext key, a digest or a pepper.
 */
public class ApiKeyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message that names the problem. */
    public ApiKeyException(String message) {
        super(message);
    }

    /** Creates an exception with a message and the underlying cause. */
    public ApiKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
