package dev.apikey.jdbc;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyDigest;
import dev.apikey.KeyRecord;
import dev.apikey.jdbc.internal.CachedLookups;
import dev.apikey.jdbc.internal.Jdbc;
import dev.apikey.jdbc.internal.RecordRows;
import dev.apikey.jdbc.internal.SealedRows;
import dev.apikey.jdbc.internal.SqlErrors;
import dev.apikey.spi.DuplicateKeyException;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.SealedKeyStore;
import dev.apikey.spi.StoreStatistics;
import dev.apikey.spi.StoreUnavailableException;
import dev.apikey.spi.VersionConflictException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link KeyStore} in a relational database, first-class on PostgreSQL: the table {@code apikey_keys} (see
 * {@code db/postgresql/V1__apikey_schema.sql} and the later scripts beside it, all of which it needs), read and written through the application's {@link DataSource}.
 * Every node that shares the database shares the keys.
 *
 * <pre>{@code
 * JdbcKeyStore store = JdbcKeyStore.builder(dataSource).createSchema(true)
 *         .cache(CacheOptions.ofDefaults())   // optional: see Builder#cache
 *         .build();
 * }</pre>
 *
 * <ul>
 *   <li>A lookup by digest is one SELECT on a unique index.</li>
 *   <li>Updates are optimistic: {@code UPDATE ... WHERE id = ? AND version = ?}; a stale version is a
 *       {@link VersionConflictException}.</li>
 *   <li>Rows are never deleted; a revoked key stays as a tombstone.</li>
 *   <li>Instants are kept to the microsecond (timestamptz); {@link #create} and {@link #update} return the record
 *       as stored, so it equals what later reads return.</li>
 *   <li>Every database failure is a {@link StoreUnavailableException} whose message holds no stored value.</li>
 *   <li>With a {@linkplain Builder#cache cache}, lookups by digest are answered on this node, and PostgreSQL's
 *       LISTEN/NOTIFY tells every node of a change; {@link #close()} stops the listener.</li>
 *   <li>As a {@link SealedKeyStore} it keeps a seal beside each record (schema V3), so it can back a Hazelcast
 *       cluster's registry whose record MACs then survive a restart (docs/jdbc.md, "A durable cluster"); a store
 *       that backs a cluster needs no cache of its own (the cluster is the cache).</li>
 * </ul>
 */
public final class JdbcKeyStore implements SealedKeyStore, StoreStatistics, AutoCloseable {
    /** The largest page {@link #listPage} returns. */
    public static final int MAX_PAGE = KeyQuery.MAX_LIMIT;

    static final String FIND_BY_DIGEST = "SELECT " + RecordRows.COLUMNS + " FROM apikey_keys WHERE digest = ?";
    private static final String FIND_BY_ID = "SELECT " + RecordRows.COLUMNS + " FROM apikey_keys WHERE id = ?";
    // DO NOTHING rather than letting the unique index raise: the database then logs no error whose detail
    // would quote the duplicate digest, and no row means "duplicate".
    private static final String INSERT = "INSERT INTO apikey_keys (id, digest, lineage, " + RecordRows.CONTENT_COLUMNS
            + ", last_used, version) VALUES (?, ?, ?, " + RecordRows.CONTENT_VALUES + ", ?, 1) ON CONFLICT DO NOTHING";
    // GREATEST ignores NULL: an update never moves last_used back, so a stale copy cannot undo a recorded use.
    private static final String UPDATE = "UPDATE apikey_keys SET " + RecordRows.CONTENT_SET
            + ", last_used = GREATEST(last_used, ?), version = version + 1, updated_at = now()"
            + " WHERE id = ? AND version = ? AND digest = ? RETURNING version, last_used";
    private static final String CURRENT = "SELECT version, digest FROM apikey_keys WHERE id = ?";
    private static final String RECORD_USE = "UPDATE apikey_keys SET last_used = ?"
            + " WHERE id = ? AND (last_used IS NULL OR last_used < ?)";
    private static final int LIST_BATCH = 1_000;

    private final Jdbc jdbc;
    // Null without a cache: every lookup is a query.
    private final CachedLookups cache;
    private final SealedRows sealed;

    private JdbcKeyStore(Jdbc jdbc, CachedLookups cache) {
        this.jdbc = jdbc;
        this.cache = cache;
        this.sealed = new SealedRows(jdbc);
    }

    /** A builder for a store over {@code dataSource} (the application's, typically pooled). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    @Override
    public Optional<KeyRecord> findByDigest(KeyDigest digest) {
        Objects.requireNonNull(digest, "digest");
        return cache == null ? select(digest) : cache.find(digest, this::select);
    }

    private Optional<KeyRecord> select(KeyDigest digest) {
        return jdbc.run("lookup by digest", c -> one(c, FIND_BY_DIGEST, digest.encoded()));
    }

    @Override
    public Optional<KeyRecord> findById(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return jdbc.run("lookup of a key by id", c -> one(c, FIND_BY_ID, id));
    }

    private Optional<KeyRecord> one(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement ps = jdbc.prepare(c, sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(RecordRows.read(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public KeyRecord create(KeyRecord record) {
        KeyRecord stored = RecordRows.normalize(record).toBuilder().version(1).build();
        int rows;
        try {
            rows = jdbc.run("create of " + record.id(), c -> {
                try (PreparedStatement ps = jdbc.prepare(c, INSERT)) {
                    ps.setString(1, stored.id());
                    ps.setString(2, stored.digest().encoded());
                    ps.setString(3, RecordRows.lineageOf(stored));
                    int next = RecordRows.bindContent(c, ps, 4, stored);
                    RecordRows.setInstant(ps, next, stored.lastUsed());
                    return ps.executeUpdate();
                }
            });
        } catch (StoreUnavailableException e) {
            if (e.getCause() instanceof SQLException sql && SqlErrors.isUniqueViolation(sql)) {
                throw new DuplicateKeyException(record.id());
            }
            throw e;
        }
        if (rows == 0) {
            throw new DuplicateKeyException(record.id());
        }
        return stored;
    }

    @Override
    public KeyRecord update(KeyRecord record) {
        KeyRecord wanted = RecordRows.normalize(record);
        try {
            return updateRow(wanted);
        } finally {
            // This node sees its own change at once; the other nodes when the trigger's notification arrives.
            if (cache != null) {
                cache.changed(wanted.id());
            }
        }
    }

    private KeyRecord updateRow(KeyRecord wanted) {
        return jdbc.run("update of " + wanted.id(), c -> {
            try (PreparedStatement ps = jdbc.prepare(c, UPDATE)) {
                int i = RecordRows.bindContent(c, ps, 1, wanted);
                RecordRows.setInstant(ps, i++, wanted.lastUsed());
                ps.setString(i++, wanted.id());
                ps.setLong(i++, wanted.version());
                ps.setString(i, wanted.digest().encoded());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return wanted.toBuilder().version(rs.getLong("version"))
                                .lastUsed(RecordRows.getInstant(rs, "last_used")).build();
                    }
                }
            }
            throw whyNotUpdated(c, wanted);
        });
    }

    /** The exception for an update that matched no row: a missing id, a changed digest or a stale version. */
    private RuntimeException whyNotUpdated(Connection c, KeyRecord wanted) throws SQLException {
        try (PreparedStatement ps = jdbc.prepare(c, CURRENT)) {
            ps.setString(1, wanted.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new VersionConflictException(wanted.id());
                }
                long version = rs.getLong("version");
                if (!wanted.digest().equals(KeyDigest.parse(rs.getString("digest")))) {
                    return new InvalidConfigurationException("the digest of record " + wanted.id() + " cannot change");
                }
                return new VersionConflictException(wanted.id(), wanted.version(), version);
            }
        }
    }

    @Override
    public void recordUse(String id, Instant at) {
        Objects.requireNonNull(at, "at");
        if (id == null) {
            return;
        }
        jdbc.run("last-used update of " + id, c -> {
            try (PreparedStatement ps = jdbc.prepare(c, RECORD_USE)) {
                RecordRows.setInstant(ps, 1, at);
                ps.setString(2, id);
                RecordRows.setInstant(ps, 3, at);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * The records matching {@code query}, in id order: one {@link #listPage} when the query is paged, else every
     * match, read one page at a time.
     */
    @Override
    public List<KeyRecord> list(KeyQuery query) {
        Objects.requireNonNull(query, "query");
        if (query.isPaged()) {
            return listPage(query, query.after(), query.limit());
        }
        List<KeyRecord> out = new ArrayList<>();
        String after = query.after();
        while (true) {
            List<KeyRecord> page = listPage(query, after, LIST_BATCH);
            out.addAll(page);
            if (page.size() < LIST_BATCH) {
                return out;
            }
            after = page.get(page.size() - 1).id();
        }
    }

    /**
     * One page of the records matching {@code query}, in id order: at most {@code limit} records whose id comes
     * after {@code afterId} (all from the start when it is null). The next page starts after the last id of this
     * one; a page shorter than {@code limit} is the last. Each page is one indexed query, so a record changed
     * between pages is still listed exactly once.
     *
     * @throws InvalidConfigurationException if {@code limit} is not between 1 and {@link #MAX_PAGE}
     */
    public List<KeyRecord> listPage(KeyQuery query, String afterId, int limit) {
        Objects.requireNonNull(query, "query");
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidConfigurationException("page size must be between 1 and " + MAX_PAGE + ", got " + limit);
        }
        StringBuilder sql = new StringBuilder("SELECT ").append(RecordRows.COLUMNS).append(" FROM apikey_keys WHERE true");
        List<String> values = new ArrayList<>(3);
        if (query.owner() != null) {
            sql.append(" AND owner = ?");
            values.add(query.owner());
        }
        if (query.tenant() != null) {
            sql.append(" AND tenant = ?");
            values.add(query.tenant());
        }
        if (afterId != null) {
            sql.append(" AND id > ?");
            values.add(afterId);
        }
        sql.append(" ORDER BY id LIMIT ?");
        return jdbc.run("listing", c -> {
            try (PreparedStatement ps = jdbc.prepare(c, sql.toString())) {
                int i = 1;
                for (String v : values) {
                    ps.setString(i++, v);
                }
                ps.setInt(i, limit);
                List<KeyRecord> out = new ArrayList<>(Math.min(limit, LIST_BATCH));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(RecordRows.read(rs));
                    }
                }
                return out;
            }
        });
    }

    /**
     * True if this store has a cache and it is in use: its listener holds a connection that hears every change.
     * False without a cache, and while the listener reconnects (lookups then read the database).
     */
    public boolean cacheListening() {
        return cache != null && cache.listening();
    }

    /** One {@code count(*)} of the table, for a gauge: call it at scrape time, not per request. */
    @Override
    public long recordCount() {
        return jdbc.run("counting", c -> {
            try (PreparedStatement ps = jdbc.prepare(c, "SELECT count(*) FROM apikey_keys");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public long cacheHits() {
        return cache == null ? -1 : cache.hits();
    }

    @Override
    public long cacheMisses() {
        return cache == null ? -1 : cache.misses();
    }

    /** How many records the cache holds (0 without one). */
    int cachedRecords() {
        return cache == null ? 0 : cache.size();
    }

    /**
     * Stops the cache's listener and gives its connection back to the DataSource. The store keeps working,
     * without a cache. Nothing to do without one.
     */
    @Override
    public void close() {
        if (cache != null) {
            cache.close();
        }
    }

    @Override
    public Optional<Sealed> findSealed(KeyDigest digest) {
        return sealed.find(Objects.requireNonNull(digest, "digest"));
    }

    @Override
    public List<Sealed> findSealed(Collection<KeyDigest> digests) {
        return sealed.find(Objects.requireNonNull(digests, "digests"));
    }

    @Override
    public List<KeyDigest> digests() {
        return sealed.digests();
    }

    /** Needs schema version 3 (the {@code seal} column); {@code createSchema(true)} adds it. */
    @Override
    public void putSealed(KeyRecord record, byte[] seal) {
        sealed.put(Objects.requireNonNull(record, "record"), Objects.requireNonNull(seal, "seal"));
    }

    /** Names the store only; never a digest or a connection detail. */
    @Override
    public String toString() {
        return "JdbcKeyStore[apikey_keys]";
    }

    /** Builds a {@link JdbcKeyStore}; {@link #build()} checks the values. */
    public static final class Builder {
        private final DataSource dataSource;
        private boolean createSchema;
        private Duration queryTimeout = Duration.ofSeconds(5);
        private CacheOptions cache;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /**
         * Whether {@link #build()} creates the tables when they are missing, by running the shipped scripts
         * under {@code db/postgresql/} (default false: the schema is the application's migrations' job).
         * Safe when several nodes start at once.
         */
        public Builder createSchema(boolean create) {
            this.createSchema = create;
            return this;
        }

        /** How long one statement may run before the driver cancels it (default 5 s, whole seconds, at least 1 s). */
        public Builder queryTimeout(Duration timeout) {
            this.queryTimeout = Jdbc.checkQueryTimeout(timeout);
            return this;
        }

        /**
         * Cache records on this node (default: no cache, every lookup is a query). A cached record is dropped
         * when any node, or any other writer, changes it (PostgreSQL notifies through the triggers of
         * {@code V2__apikey_keys_notify.sql}) and at the latest {@link CacheOptions#ttl()} after it was read. Only
         * lookups by digest (the verifier's) use it; lookups by id and listings always read the database.
         *
         * <p>The store then holds one connection of the DataSource for as long as it runs, for {@code LISTEN}:
         * size the pool for it, and {@link #close()} the store to give it back. The connection must be
         * PostgreSQL's (unwrappable to {@code org.postgresql.PGConnection}). While it is lost, nothing is served
         * from the cache.
         *
         * @param options the TTL and size, or null for no cache
         */
        public Builder cache(CacheOptions options) {
            this.cache = options;
            return this;
        }

        /**
         * The store. With {@link #createSchema(boolean) createSchema(true)} this connects once and creates
         * missing tables.
         *
         * With a {@link #cache(CacheOptions) cache}, it starts the listener's thread, which connects on its own.
         *
         * @throws StoreUnavailableException if the schema was to be created and the database cannot be reached
         * @throws InvalidConfigurationException if a cache is asked for and PostgreSQL's driver is missing
         */
        public JdbcKeyStore build() {
            Jdbc jdbc = Jdbc.open(dataSource, queryTimeout, createSchema);
            CachedLookups lookups = cache == null ? null
                    : CachedLookups.start(dataSource, cache.ttl().toNanos(), cache.maxEntries(), cache.ticker());
            return new JdbcKeyStore(jdbc, lookups);
        }
    }
}
