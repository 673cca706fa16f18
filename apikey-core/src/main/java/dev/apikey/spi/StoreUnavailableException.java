package dev.apikey.spi;

import dev.apikey.ApiKeyException;

/**
 * The store could not answer (I/O error, cluster unreachable, timeout). Distinct from "not found":
 * the verification pipeline answers 503 and never lets the request through.
 */
public class StoreUnavailableException extends ApiKeyException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that contains no secret. */
    public StoreUnavailableException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the underlying cause. */
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
