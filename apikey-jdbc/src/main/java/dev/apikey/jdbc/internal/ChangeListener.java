package dev.apikey.jdbc.internal;

import dev.apikey.json.StrictJson;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Holds one connection of the application's DataSource for {@code LISTEN apikey_keys} (see the V2 schema script)
 * and evicts from a {@link RecordCache} what other nodes, or any other writer, changed. Runs on a daemon thread
 * of its own until {@link #close()}.
 *
 * <p>The cache keeps new records only while this listens. Whenever the connection is lost it is flushed (a
 * change may have been missed) and stops keeping records, so lookups go to the database; the listener
 * reconnects with a growing, jittered backoff, and flushes again once it listens, as changes made while it
 * was away were not heard.
 */
public final class ChangeListener implements AutoCloseable {
    /** The channel the V2 triggers notify. */
    public static final String CHANNEL = "apikey_keys";
    private static final System.Logger LOG = System.getLogger("dev.apikey.jdbc");
    private static final String TABLE_SCHEMA = "SELECT n.nspname,"
            + " EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'apikey_keys_notify'"
            + " AND t.tgenabled <> 'D')"
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass('apikey_keys')";
    private static final int POLL_MILLIS = 100;
    private static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final DataSource dataSource;
    private final RecordCache cache;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean listening;
    // Owned by the listener's thread: whether the current attempt got to listen, and whether a loss was logged.
    private boolean heard;
    private boolean warned;

    /** A listener feeding {@code cache} from connections of {@code dataSource}; {@link #start()} starts it. */
    public ChangeListener(DataSource dataSource, RecordCache cache) {
        this.dataSource = dataSource;
        this.cache = cache;
        this.thread = new Thread(this::run, "apikey-jdbc-change-listener");
        this.thread.setDaemon(true);
    }

    /** Starts listening on the listener's thread; returns at once. */
    public void start() {
        thread.start();
    }

    /** True while the listener holds a connection that listens for changes. */
    public boolean listening() {
        return listening;
    }

    /** Stops listening, gives the connection back (after {@code UNLISTEN *}) and flushes the cache. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long backoff = MIN_BACKOFF_NANOS;
        while (!closed) {
            String why;
            heard = false;
            try (Connection c = dataSource.getConnection()) {
                why = listenOn(c);
            } catch (SQLException e) {
                why = "the listening connection failed (" + SqlErrors.describe(e) + ")";
            } catch (RuntimeException e) {
                why = "the listener failed (" + e.getClass().getName() + ")";
            }
            stopHearing();
            if (closed) {
                break;
            }
            if (heard) {
                backoff = MIN_BACKOFF_NANOS;
            }
            if (!warned && why != null) {
                LOG.log(System.Logger.Level.WARNING, "key cache bypassed: " + why + "; reconnecting");
                warned = true;
            }
            LockSupport.parkNanos(backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
            backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
        }
        stopHearing();
    }

    /**
     * Listens on {@code c} until the listener is closed (null) or cannot listen (why not). Throws when the
     * connection fails.
     */
    private String listenOn(Connection c) throws SQLException {
        PGConnection pg;
        try {
            pg = c.unwrap(PGConnection.class);
        } catch (SQLException e) {
            return "the DataSource's connections do not unwrap to org.postgresql.PGConnection";
        }
        c.setAutoCommit(true);
        String schema;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(TABLE_SCHEMA)) {
            if (!rs.next()) {
                return "no table apikey_keys on the search_path";
            }
            if (!rs.getBoolean(2)) {
                return "the trigger apikey_keys_notify is missing or disabled (run db/postgresql/V2__apikey_keys_notify.sql)";
            }
            schema = rs.getString(1);
        }
        try (Statement st = c.createStatement()) {
            st.execute("LISTEN " + CHANNEL);
        }
        try {
            // Anything kept before this point may have missed a change: start from nothing, then keep again.
            cache.flush();
            cache.accepting(true);
            listening = true;
            heard = true;
            if (warned) {
                LOG.log(System.Logger.Level.INFO, "listening for key changes again; key cache in use");
                warned = false;
            }
            long quietSince = System.nanoTime();
            while (!closed) {
                PGNotification[] ns = pg.getNotifications(POLL_MILLIS);
                if (ns != null && ns.length > 0) {
                    for (PGNotification n : ns) {
                        apply(schema, n);
                    }
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince >= HEARTBEAT_NANOS) {
                    // A connection that died without a word (a dropped network path) shows here.
                    if (!c.isValid(2)) {
                        throw new SQLException("the listening connection stopped answering", "08006");
                    }
                    quietSince = System.nanoTime();
                }
            }
        } finally {
            stopHearing();
        }
        unlisten(c);
        return null;
    }

    /** Evicts what notification {@code n} names, if it is about {@code schema}'s table. */
    private void apply(String schema, PGNotification n) {
        if (!CHANNEL.equals(n.getName())) {
            return;
        }
        Map<String, Object> payload;
        try {
            // Core's JSON (relocated inside core's jar), so this module brings no Jackson of its own.
            payload = StrictJson.object(n.getParameter().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            cache.flush();
            return;
        }
        if (payload == null || !schema.equals(payload.get("schema"))) {
            return;
        }
        if (payload.get("id") instanceof String id) {
            cache.evict(id);
        } else {
            cache.flush();
        }
    }

    /** Nothing is heard from here on: keep nothing new, and forget what might go stale unheard. */
    private void stopHearing() {
        cache.accepting(false);
        cache.flush();
        // Last, so that whoever sees "not listening" also sees the cache empty.
        listening = false;
    }

    /** A connection going back to the pool must not keep collecting notifications for its next borrower. */
    private static void unlisten(Connection c) {
        try (PreparedStatement ps = c.prepareStatement("UNLISTEN *")) {
            ps.execute();
        } catch (SQLException e) {
            // The connection is going back anyway; a broken one is the pool's to discard.
        }
    }
}
