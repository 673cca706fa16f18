package dev.apikey.spi;

import dev.apikey.ApiKeyException;

/** An update named a version that is no longer the stored one (or a record that does not exist): re-read and retry. */
public final class VersionConflictException extends ApiKeyException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception for record {@code id}. */
    public VersionConflictException(String id, long expected, long actual) {
        super("record " + id + " is at version " + actual + ", the update expected " + expected);
    }

    /** Creates the exception for a record that is not stored. */
    public VersionConflictException(String id) {
        super("record " + id + " is not stored, so it cannot be updated");
    }
}
