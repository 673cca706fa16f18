package dev.apikey.internal;

import dev.apikey.KeyRecord;
import dev.apikey.spi.StoreUnavailableException;
import dev.apikey.store.FileStoreException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * The content a file store serves from one key file, and how it follows the file. Each {@link #sync} reads the
 * file and compares a SHA-256 of its bytes with the content last read or written: metadata cannot prove a file
 * unchanged (a modification time can be set back and is coarse), so an edit that keeps the size, the timestamp
 * and every version is still seen. Content that changed is parsed and served through {@link RecordSnapshot#next},
 * which raises the version of a record changed in place. Content that does not parse is reported and the last
 * good content stays served. Not thread-safe on its own: the store calls {@link #sync} and {@link #write} under
 * its lock; readers only read the volatile {@link #snapshot()}.
 */
public final class KeyFileContent {
    // The store's logger name, which operators already filter on.
    private static final System.Logger LOG = System.getLogger("dev.apikey.store.FileKeyStore");

    /** How {@link #sync} reacts to a file it cannot use. */
    public enum Mode {
        /** At start-up: throw {@link FileStoreException}. */
        START,
        /** Before a write: throw {@link StoreUnavailableException}, never overwrite content not understood. */
        WRITE,
        /** On a read: report, keep serving the last good content. */
        READ
    }

    private final Path path;
    private volatile RecordSnapshot snapshot = RecordSnapshot.EMPTY;
    private volatile Seen seen;
    private volatile String lastLoadError;

    /** Content to be read from {@code path}; empty until the first {@link #sync} or {@link #write}. */
    public KeyFileContent(Path path) {
        this.path = path;
    }

    /** The content served now. */
    public RecordSnapshot snapshot() {
        return snapshot;
    }

    /** Why the file's current content could not be loaded, or {@code null} if the last load succeeded. */
    public String lastLoadError() {
        return lastLoadError;
    }

    /** Brings the served content up to the file's, reacting to an unusable file as {@code mode} says. */
    public void sync(Mode mode) {
        Seen last = seen;
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            if (mode != Mode.READ) {
                throw new StoreUnavailableException("key file " + path + " is missing; restore it before changing keys");
            }
            report("the file is missing", null);
            return;
        } catch (IOException e) {
            if (mode == Mode.READ) {
                report("cannot be read: " + e, null);
                return;
            }
            throw new StoreUnavailableException("cannot read key file " + path + ": " + e, e);
        }
        byte[] hash = sha256(bytes);
        if (last != null && Arrays.equals(hash, last.hash)) {
            if (!last.good && mode == Mode.WRITE) {
                refuse(lastLoadError);
            }
            return;
        }
        List<KeyRecord> records;
        try {
            records = RecordJson.readDocument(bytes);
        } catch (RecordFormatException e) {
            seen = new Seen(hash, false);
            String msg = "key file " + path + ": " + e.getMessage();
            if (mode == Mode.START) {
                lastLoadError = msg;
                throw new FileStoreException(path, e.getMessage());
            }
            report(e.getMessage(), hash);
            if (mode == Mode.WRITE) {
                refuse(msg);
            }
            return;
        }
        install(snapshot.next(records), new Seen(hash, true));
    }

    /**
     * Writes {@code next} to the file atomically and serves it.
     *
     * @throws StoreUnavailableException if the write fails; the file and the served content are then unchanged
     */
    public void write(RecordSnapshot next, AtomicFile.BeforeRename hook) {
        byte[] bytes = RecordJson.writeDocument(next.records());
        AtomicFile.write(path, bytes, hook);
        install(next, new Seen(sha256(bytes), true));
    }

    private void refuse(String why) {
        throw new StoreUnavailableException(why + "; fix the file before changing keys");
    }

    private void report(String detail, byte[] hash) {
        String msg = "key file " + path + ": " + detail;
        boolean news = hash != null || !msg.equals(lastLoadError);
        lastLoadError = msg;
        if (news) {
            LOG.log(System.Logger.Level.WARNING, msg + "; serving the last good content ("
                    + snapshot.records().size() + " records)");
        }
        if (hash == null) {
            // Nothing was read: make the next check look again rather than trust the old content.
            seen = null;
        }
    }

    private void install(RecordSnapshot next, Seen nowSeen) {
        snapshot = next;
        seen = nowSeen;
        if (lastLoadError != null) {
            lastLoadError = null;
            LOG.log(System.Logger.Level.INFO, "key file " + path + " loaded again: " + next.records().size() + " records");
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** What the file held at the last check: a hash of its bytes, and whether that content loaded. */
    private record Seen(byte[] hash, boolean good) {
    }
}
