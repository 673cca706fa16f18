package dev.apikey.spi;

import dev.apikey.ApiKeyException;

/** {@link KeyStore#create} was given an id or digest that is already stored. */
public final class DuplicateKeyException extends ApiKeyException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message names the id, never the digest. */
    public DuplicateKeyException(String id) {
        super("a record with id " + id + " or the same digest is already stored");
    }
}
