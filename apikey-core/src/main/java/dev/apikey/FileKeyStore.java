package dev.apikey;

import dev.apikey.internal.RecordFormatException;
import dev.apikey.internal.RecordJson;
import dev.apikey.spi.DuplicateKeyException;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.StoreUnavailableException;
import dev.apikey.spi.VersionConflictException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A key store kept in one JSON file, {@code {"format":1,"keys":[...]}}, holding digests and metadata (never a
 * plaintext key). Meant for single servers and small deployments where the CLI edits the same file while a
 * server runs.
 *
 * <p>Reads are served from memory. At most every {@linkplain Builder#reloadInterval reload interval} (default
 * 250 ms) an access checks the file's modification time, size and file key and reloads it when it changed, so
 * an external edit (a key added or revoked by another process) is visible within that interval. A file that
 * fails to parse is logged at WARNING and reported by {@link #lastLoadError()}; the store keeps serving the
 * last good content.
 *
 * <p>Writes are read-modify-write under a per-path lock inside the JVM and an OS file lock on the sibling
 * {@code <name>.lock} across processes: the file is re-read, the change is checked against what is on disk,
 * and the new content goes to a temporary file in the same directory that is forced to disk and atomically
 * renamed over the old one. A failed write leaves the previous file whole and throws
 * {@link StoreUnavailableException}. Thread-safe.
 */
public final class FileKeyStore implements KeyStore {
    /** Default for {@link Builder#reloadInterval}: 250 ms. */
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofMillis(250);

    private static final System.Logger LOG = System.getLogger(FileKeyStore.class.getName());

    // FileChannel.lock() is held per JVM, not per thread: a second lock from this JVM throws
    // OverlappingFileLockException. Every store instance on the same file therefore queues here first.
    private static final ConcurrentHashMap<Path, ReentrantLock> PATH_LOCKS = new ConcurrentHashMap<>();

    // File systems stamp modification times coarsely (ext4 by the kernel tick, FAT by 2 s), so two writes
    // close together can leave identical metadata. Content read that recently is compared again on the next
    // check, as git does for "racily clean" index entries.
    private static final long RACY_WINDOW_MILLIS = 2_000;

    private static final Snapshot EMPTY = new Snapshot(List.of());

    private final Path path;
    private final Path lockPath;
    private final ReentrantLock pathLock;
    private final long reloadMillis;
    private final Clock clock;
    private final WriteHook writeHook;
    private final AtomicLong nextCheck;

    private volatile Snapshot snapshot = EMPTY;
    private volatile Seen seen;
    private volatile String lastLoadError;

    private FileKeyStore(Builder b) {
        this.reloadMillis = b.reloadInterval.toMillis();
        this.clock = b.clock;
        this.writeHook = b.writeHook;
        try {
            this.path = canonical(b.path);
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot open key file " + b.path + ": " + e, e);
        }
        this.lockPath = path.resolveSibling(path.getFileName() + ".lock");
        this.pathLock = PATH_LOCKS.computeIfAbsent(path, p -> new ReentrantLock());
        this.nextCheck = new AtomicLong(clock.millis() + reloadMillis);
        underLocks(null, () -> {
            if (Files.exists(path)) {
                sync(Mode.START);
            } else {
                persist(List.of());
            }
            return null;
        });
    }

    /**
     * A builder for a store kept in {@code file}. A missing file is created empty when the store is built; its
     * parent directories are created too.
     */
    public static Builder builder(Path file) {
        return new Builder(file);
    }

    private static Path canonical(Path file) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        if (abs.getFileName() == null) {
            throw new InvalidConfigurationException("key file path must name a file, got " + file);
        }
        if (Files.exists(abs)) {
            return abs.toRealPath();
        }
        Files.createDirectories(abs.getParent());
        return abs.getParent().toRealPath().resolve(abs.getFileName());
    }

    /** The key file (absolute, symbolic links resolved). */
    public Path path() {
        return path;
    }

    @Override
    public Optional<KeyRecord> findByDigest(KeyDigest digest) {
        Objects.requireNonNull(digest, "digest");
        refreshIfDue();
        return Optional.ofNullable(snapshot.byDigest.get(digest));
    }

    @Override
    public Optional<KeyRecord> findById(String id) {
        if (id == null) {
            return Optional.empty();
        }
        refreshIfDue();
        return Optional.ofNullable(snapshot.byId.get(id));
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreUnavailableException if the file cannot be read, is malformed, or cannot be written; the
     *                                   previous file is then unchanged
     */
    @Override
    public KeyRecord create(KeyRecord record) {
        KeyRecord stored = record.toBuilder().version(1).build();
        return underLocks(Mode.WRITE, () -> {
            Snapshot s = snapshot;
            if (s.byId.containsKey(record.id()) || s.byDigest.containsKey(record.digest())) {
                throw new DuplicateKeyException(record.id());
            }
            List<KeyRecord> next = new ArrayList<>(s.records.size() + 1);
            next.addAll(s.records);
            next.add(stored);
            persist(next);
            return stored;
        });
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreUnavailableException if the file cannot be read, is malformed, or cannot be written; the
     *                                   previous file is then unchanged
     */
    @Override
    public KeyRecord update(KeyRecord record) {
        return underLocks(Mode.WRITE, () -> {
            Snapshot s = snapshot;
            KeyRecord current = s.byId.get(record.id());
            if (current == null) {
                throw new VersionConflictException(record.id());
            }
            if (!current.digest().equals(record.digest())) {
                throw new InvalidConfigurationException("the digest of record " + record.id() + " cannot change");
            }
            if (current.version() != record.version()) {
                throw new VersionConflictException(record.id(), record.version(), current.version());
            }
            KeyRecord stored = record.toBuilder().version(current.version() + 1).build();
            List<KeyRecord> next = new ArrayList<>(s.records);
            for (int i = 0; i < next.size(); i++) {
                if (next.get(i).id().equals(stored.id())) {
                    next.set(i, stored);
                    break;
                }
            }
            persist(next);
            return stored;
        });
    }

    @Override
    public void recordUse(String id, java.time.Instant at) {
        underLocks(Mode.WRITE, () -> {
            Snapshot s = snapshot;
            KeyRecord current = s.byId.get(id);
            if (current == null || (current.lastUsed() != null && !at.isAfter(current.lastUsed()))) {
                return null;
            }
            List<KeyRecord> next = new ArrayList<>(s.records);
            next.replaceAll(r -> r.id().equals(id) ? r.toBuilder().lastUsed(at).build() : r);
            persist(next);
            return null;
        });
    }

    @Override
    public List<KeyRecord> list(KeyQuery query) {
        Objects.requireNonNull(query, "query");
        refreshIfDue();
        List<KeyRecord> out = new ArrayList<>();
        for (KeyRecord r : snapshot.records) {
            if (query.matches(r)) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Why the file's current content could not be loaded (naming the file and the entry's index, id and field),
     * or empty if the last load succeeded. While this is present the store serves the last good content.
     */
    public Optional<String> lastLoadError() {
        refreshIfDue();
        return Optional.ofNullable(lastLoadError);
    }

    /** Shows the path and the number of records; never a digest. */
    @Override
    public String toString() {
        return "FileKeyStore[" + path + ", " + snapshot.records.size() + " records]";
    }

    private void refreshIfDue() {
        long now = clock.millis();
        long due = nextCheck.get();
        if (now < due || !nextCheck.compareAndSet(due, now + reloadMillis)) {
            return;
        }
        // A writer holding the lock installs what it finds on disk; waiting for it would stall a request.
        // The check is retried on the next access instead of a full interval later.
        if (!pathLock.tryLock()) {
            nextCheck.compareAndSet(now + reloadMillis, due);
            return;
        }
        try {
            sync(Mode.READ);
        } finally {
            pathLock.unlock();
        }
    }

    /** How {@link #sync} reacts to a file it cannot use. */
    private enum Mode {
        /** At start-up: throw {@link FileStoreException}. */
        START,
        /** Before a write: throw {@link StoreUnavailableException}, never overwrite content not understood. */
        WRITE,
        /** On a read: report, keep serving the last good content. */
        READ
    }

    /** Brings the in-memory index up to the file's content. Caller holds {@link #pathLock}. */
    private void sync(Mode mode) {
        Seen last = seen;
        byte[] bytes;
        FileStamp before;
        FileStamp after;
        try {
            before = stamp();
            if (mode == Mode.READ && last != null && before.equals(last.stamp) && !last.racy) {
                return;
            }
            bytes = Files.readAllBytes(path);
            after = stamp();
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
        boolean racy = !before.equals(after) || before.modified.toMillis() >= System.currentTimeMillis() - RACY_WINDOW_MILLIS;
        if (last != null && Arrays.equals(hash, last.hash)) {
            seen = new Seen(before, hash, racy, last.good);
            if (!last.good && mode != Mode.READ) {
                refuse(mode, lastLoadError);
            }
            return;
        }
        List<KeyRecord> records;
        try {
            records = RecordJson.readDocument(bytes);
        } catch (RecordFormatException e) {
            seen = new Seen(before, hash, racy, false);
            String msg = "key file " + path + ": " + e.getMessage();
            if (mode == Mode.START) {
                lastLoadError = msg;
                throw new FileStoreException(path, e.getMessage());
            }
            report(e.getMessage(), hash);
            refuse(mode, msg);
            return;
        }
        install(records, new Seen(before, hash, racy, true));
    }

    private void refuse(Mode mode, String why) {
        if (mode == Mode.WRITE) {
            throw new StoreUnavailableException(why + "; fix the file before changing keys");
        }
    }

    private void report(String detail, byte[] hash) {
        String msg = "key file " + path + ": " + detail;
        boolean news = hash != null || !msg.equals(lastLoadError);
        lastLoadError = msg;
        if (news) {
            LOG.log(System.Logger.Level.WARNING, msg + "; serving the last good content ("
                    + snapshot.records.size() + " records)");
        }
        if (hash == null) {
            // Nothing was read: make the next check look again rather than trust the old stamp.
            seen = null;
        }
    }

    private void install(List<KeyRecord> records, Seen nowSeen) {
        snapshot = new Snapshot(records);
        seen = nowSeen;
        if (lastLoadError != null) {
            lastLoadError = null;
            LOG.log(System.Logger.Level.INFO, "key file " + path + " loaded again: " + records.size() + " records");
        }
    }

    /**
     * Runs {@code action} holding the JVM-wide path lock and the OS lock on the lock file, after syncing with
     * the file in {@code syncMode} (none if null).
     */
    private <T> T underLocks(Mode syncMode, Supplier<T> action) {
        pathLock.lock();
        try (FileChannel ch = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = ch.lock()) {
            if (syncMode != null) {
                sync(syncMode);
            }
            return action.get();
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot lock key file " + path + " (via " + lockPath + "): " + e, e);
        } finally {
            pathLock.unlock();
        }
    }

    /** Writes {@code records} atomically and makes them the served content. Caller holds both locks. */
    private void persist(List<KeyRecord> records) {
        byte[] bytes = RecordJson.writeDocument(records);
        writeAtomically(bytes);
        FileStamp stamp;
        try {
            stamp = stamp();
        } catch (IOException e) {
            stamp = null;
        }
        install(records, stamp == null ? null : new Seen(stamp, sha256(bytes), true, true));
    }

    private void writeAtomically(byte[] bytes) {
        Path dir = path.getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
            copyPermissions(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            writeHook.beforeRename(tmp);
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

    private void copyPermissions(Path tmp) throws IOException {
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

    private FileStamp stamp() throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
        return new FileStamp(a.fileKey(), a.lastModifiedTime(), a.size());
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** The file metadata compared on each check. */
    private record FileStamp(Object fileKey, FileTime modified, long size) {
    }

    /**
     * What the file held at the last check: its stamp, a hash of its bytes, whether the stamp is too recent
     * to trust, and whether that content loaded.
     */
    private record Seen(FileStamp stamp, byte[] hash, boolean racy, boolean good) {
    }

    /**
     * One loaded file content. Readers see a whole snapshot or the next one, never a mix, because a reload
     * swaps a single reference instead of editing shared maps in place.
     */
    private static final class Snapshot {
        final List<KeyRecord> records;
        final Map<KeyDigest, KeyRecord> byDigest;
        final Map<String, KeyRecord> byId;

        Snapshot(List<KeyRecord> records) {
            this.records = List.copyOf(records);
            Map<KeyDigest, KeyRecord> d = new HashMap<>(records.size() * 2);
            Map<String, KeyRecord> i = new HashMap<>(records.size() * 2);
            for (KeyRecord r : records) {
                d.put(r.digest(), r);
                i.put(r.id(), r);
            }
            this.byDigest = Collections.unmodifiableMap(d);
            this.byId = Collections.unmodifiableMap(i);
        }
    }

    /** Test seam: runs between writing the temporary file and renaming it; throwing aborts the write. */
    @FunctionalInterface
    interface WriteHook {
        /** No hook. */
        WriteHook NONE = tmp -> {
        };

        /** Called with the fully written temporary file just before it replaces the key file. */
        void beforeRename(Path temporaryFile) throws IOException;
    }

    /** Builder for {@link FileKeyStore}. */
    public static final class Builder {
        private final Path path;
        private Duration reloadInterval = DEFAULT_RELOAD_INTERVAL;
        private Clock clock = Clock.systemUTC();
        private WriteHook writeHook = WriteHook.NONE;

        private Builder(Path path) {
            this.path = Objects.requireNonNull(path, "path");
        }

        /**
         * How often, at most, an access checks the file for external changes (default 250 ms; zero checks on
         * every access). External edits become visible within this interval.
         *
         * @throws InvalidConfigurationException if the interval is null or negative
         */
        public Builder reloadInterval(Duration interval) {
            if (interval == null || interval.isNegative()) {
                throw new InvalidConfigurationException("reloadInterval must be zero or positive, got " + interval);
            }
            this.reloadInterval = interval;
            return this;
        }

        /** The clock that times reload checks (default system UTC); tests pass a fake one. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        Builder writeHook(WriteHook hook) {
            this.writeHook = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /**
         * Opens the file, creating it empty if it is missing.
         *
         * @throws FileStoreException        if the file is not a valid key file (naming the entry and field)
         * @throws StoreUnavailableException if the file cannot be read or created
         */
        public FileKeyStore build() {
            return new FileKeyStore(this);
        }
    }
}
