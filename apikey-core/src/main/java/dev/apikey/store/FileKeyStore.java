package dev.apikey.store;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyDigest;
import dev.apikey.KeyRecord;
import dev.apikey.internal.KeyFileContent;
import dev.apikey.internal.KeyFileContent.Mode;
import dev.apikey.internal.RecordSnapshot;
import dev.apikey.spi.DuplicateKeyException;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.StoreStatistics;
import dev.apikey.spi.StoreUnavailableException;
import dev.apikey.spi.VersionConflictException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A key store kept in one JSON file, {@code {"format":1,"keys":[...]}} (format 2 once it holds a rotation
 * successor's lineage), holding digests and metadata (never a plaintext key). Meant for single servers and small
 * deployments where the CLI edits the same file while a server runs.
 *
 * <p>Reads are served from memory. At most every {@linkplain Builder#reloadInterval reload interval} (default
 * 250 ms) an access reads the file and compares a SHA-256 of its bytes with the content it last read or wrote,
 * and loads the file when they differ, so an external edit (a key added or revoked by another process or by
 * hand) is visible within that interval. The file's metadata is not trusted to prove it unchanged: a
 * modification time can be set back and is coarse, so an edit that keeps the size, the timestamp and every
 * version is still seen. A record that such an edit changed without raising its version is served with a
 * higher version, so a copy read before the edit can no longer be written back. A file that fails to parse is
 * logged at WARNING and reported by {@link #lastLoadError()}; the store keeps serving the last good content.
 *
 * <p>Writes are read-modify-write under a per-path lock inside the JVM and an OS file lock on the sibling
 * {@code <name>.lock} across processes: the file is re-read, the change is checked against what is on disk,
 * and the new content replaces the file atomically. A failed write leaves the previous file whole and throws
 * {@link StoreUnavailableException}. Thread-safe.
 */
public final class FileKeyStore implements KeyStore, StoreStatistics {
    /** Default for {@link Builder#reloadInterval}: 250 ms. */
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofMillis(250);

    // FileChannel.lock() is held per JVM, not per thread: a second lock from this JVM throws
    // OverlappingFileLockException. Every store instance on the same file therefore queues here first.
    private static final ConcurrentHashMap<Path, ReentrantLock> PATH_LOCKS = new ConcurrentHashMap<>();

    private final Path path;
    private final Path lockPath;
    private final ReentrantLock pathLock;
    private final long reloadMillis;
    private final Clock clock;
    private final WriteHook writeHook;
    private final AtomicLong nextCheck;
    private final KeyFileContent content;

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
        this.content = new KeyFileContent(path);
        this.nextCheck = new AtomicLong(clock.millis() + reloadMillis);
        underLocks(null, () -> {
            if (Files.exists(path)) {
                content.sync(Mode.START);
            } else {
                persist(RecordSnapshot.EMPTY);
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
        return Optional.ofNullable(content.snapshot().byDigest(digest));
    }

    @Override
    public Optional<KeyRecord> findById(String id) {
        if (id == null) {
            return Optional.empty();
        }
        refreshIfDue();
        return Optional.ofNullable(content.snapshot().byId(id));
    }

    /** The records of the file as last read. */
    @Override
    public long recordCount() {
        return content.snapshot().records().size();
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
            RecordSnapshot s = content.snapshot();
            if (s.byId(record.id()) != null || s.byDigest(record.digest()) != null) {
                throw new DuplicateKeyException(record.id());
            }
            persist(s.plus(stored));
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
            RecordSnapshot s = content.snapshot();
            KeyRecord current = s.byId(record.id());
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
            persist(s.replacing(stored));
            return stored;
        });
    }

    /**
     * {@inheritDoc} The time is set on the record the file holds when the write runs (re-read first if it
     * changed), never on a copy read before.
     *
     * @throws StoreUnavailableException if the file cannot be read, is malformed, or cannot be written
     */
    @Override
    public void recordUse(String id, Instant at) {
        Objects.requireNonNull(at, "at");
        if (id == null) {
            return;
        }
        underLocks(Mode.WRITE, () -> {
            RecordSnapshot s = content.snapshot();
            KeyRecord current = s.byId(id);
            if (current != null && (current.lastUsed() == null || current.lastUsed().isBefore(at))) {
                persist(s.replacing(current.toBuilder().lastUsed(at).build()));
            }
            return null;
        });
    }

    @Override
    public List<KeyRecord> list(KeyQuery query) {
        Objects.requireNonNull(query, "query");
        refreshIfDue();
        return query.page(content.snapshot().records());
    }

    /**
     * Why the file's current content could not be loaded (naming the file and the entry's index, id and field),
     * or empty if the last load succeeded. While this is present the store serves the last good content.
     */
    public Optional<String> lastLoadError() {
        refreshIfDue();
        return Optional.ofNullable(content.lastLoadError());
    }

    /** Shows the path and the number of records; never a digest. */
    @Override
    public String toString() {
        return "FileKeyStore[" + path + ", " + content.snapshot().records().size() + " records]";
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
            content.sync(Mode.READ);
        } finally {
            pathLock.unlock();
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
                content.sync(syncMode);
            }
            return action.get();
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot lock key file " + path + " (via " + lockPath + "): " + e, e);
        } finally {
            pathLock.unlock();
        }
    }

    /** Writes {@code next} atomically and makes it the served content. Caller holds both locks. */
    private void persist(RecordSnapshot next) {
        content.write(next, writeHook::beforeRename);
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
