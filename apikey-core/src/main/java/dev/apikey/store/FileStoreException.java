package dev.apikey.store;

import dev.apikey.ApiKeyException;
import java.nio.file.Path;

/**
 * A key file cannot be used as it is: it is not valid JSON, has the wrong format number, or an entry is
 * invalid. Thrown when a {@link FileKeyStore} is built; a running store keeps serving its last good content
 * instead and reports the problem through {@link FileKeyStore#lastLoadError()}. The message names the file and
 * the entry (index, id, field), never a digest.
 */
public final class FileStoreException extends ApiKeyException {
    private static final long serialVersionUID = 1L;

    private final transient Path path;

    /** Creates the exception for {@code path}; {@code detail} says what is wrong, without secrets. */
    public FileStoreException(Path path, String detail) {
        super("key file " + path + ": " + detail);
        this.path = path;
    }

    /** The key file. */
    public Path path() {
        return path;
    }
}
