package dev.apikey;

/**
 * The acting key may not make this change: it would grant a scope the actor does not hold, or place a key in
 * another tenant. Nothing was changed. The admin API answers it with 403.
 */
public final class NotPermittedException extends ApiKeyException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming what was refused (ids and scopes, never a secret). */
    public NotPermittedException(String message) {
        super(message);
    }
}
