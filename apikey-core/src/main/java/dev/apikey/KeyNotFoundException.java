package dev.apikey;

/** No key record has the given id. */
public final class KeyNotFoundException extends ApiKeyException {
    private static final long serialVersionUID = 1L;
    private final String id;

    /** Creates the exception for an id that was asked for. */
    public KeyNotFoundException(String id) {
        super("no key with id " + Text.safe(id));
        this.id = id;
    }

    /** The id that was asked for. */
    public String id() {
        return id;
    }
}
