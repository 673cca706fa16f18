package dev.apikey.internal;

import dev.apikey.spi.StoreUnavailableException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;

/**
 * Replaces a file's content all at once: the new bytes go to a temporary file in the same directory that is
 * forced to disk and atomically renamed over the old one. A failed write leaves the previous file whole.
 */
public final class AtomicFile {
    private static final System.Logger LOG = System.getLogger(AtomicFile.class.getName());

    private AtomicFile() {
    }

    /** Runs between writing the temporary file and renaming it; throwing aborts the write (a test seam). */
    @FunctionalInterface
    public interface BeforeRename {
        /** Called with the fully written temporary file just before it replaces the target. */
        void run(Path temporaryFile) throws IOException;
    }

    /**
     * Makes {@code bytes} the content of {@code path}.
     *
     * @throws StoreUnavailableException naming the file if anything fails; the previous content is then unchanged
     */
    public static void write(Path path, byte[] bytes, BeforeRename hook) {
        Path dir = path.getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
            copyPermissions(path, tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            hook.run(tmp);
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            forceDirectory(dir);
        } catch (AtomicMoveNotSupportedException e) {
            throw new StoreUnavailableException("cannot write key file " + path
                    + ": its file system does not support atomic rename; the previous content is unchanged", e);
        } catch (IOException | RuntimeException e) {
            throw new StoreUnavailableException("cannot write key file " + path + " (" + e
                    + "); the previous content is unchanged", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "could not remove temporary file " + tmp, e);
                }
            }
        }
    }

    private static void copyPermissions(Path path, Path tmp) throws IOException {
        // The temporary file is created owner-only; a replaced file keeps whatever the operator chose.
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (view != null && Files.exists(path)) {
            Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(path));
        }
    }

    private static void forceDirectory(Path dir) {
        // Makes the rename itself durable. Not every platform can open a directory (Windows cannot), and the
        // new content is already on disk, so failing here is not a failed write.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.TRACE, "directory fsync not available for " + dir);
        }
    }
}
