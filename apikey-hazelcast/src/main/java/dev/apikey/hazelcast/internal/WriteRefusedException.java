package dev.apikey.hazelcast.internal;

/** A write to an apikey map that did not come from an authorised apikey operation; the caller sees it. */
public final class WriteRefusedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public WriteRefusedException(String message) {
        super(message);
    }
}
