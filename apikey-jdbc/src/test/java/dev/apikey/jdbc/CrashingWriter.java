package dev.apikey.jdbc;

import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.spi.AuditSink;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.PrintStream;
import java.time.Instant;

/**
 * The node that {@link KillDuringWritesTest} kills: it writes to PostgreSQL as fast as it can (issue a key, revoke
 * every third, count one use of a shared credit counter) and prints one line per write after the write returned,
 * so every printed line is an acknowledged write. It prints ids and counts only, never a key or a digest.
 * Arguments: URL, user, schema; the password comes from {@code APIKEY_JDBC_PASSWORD}.
 */
public final class CrashingWriter {
    /** The shared credit counter. */
    static final String COUNTER = "crash-credits";

    private CrashingWriter() {
    }

    public static void main(String[] args) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(args[0]);
        ds.setUser(args[1]);
        ds.setPassword(System.getenv().getOrDefault("APIKEY_JDBC_PASSWORD", ""));
        ds.setCurrentSchema(args[2]);
        KeyManager keys = KeyManager.builder(JdbcKeyStore.builder(ds).build()).auditSink(AuditSink.NONE).build();
        JdbcUsageCounters counters = JdbcUsageCounters.builder(ds).build();
        Instant far = Instant.parse("2100-01-01T00:00:00Z");
        PrintStream out = System.out;
        out.println("ready");
        for (int i = 0; ; i++) {
            IssuedKey k = keys.issue(KeyRequest.builder().owner("crash-" + i).scopes("crash:write").build());
            out.println("issued " + k.record().id());
            if (i % 3 == 2) {
                keys.revoke(k.record().id());
                out.println("revoked " + k.record().id());
            }
            out.println("counted " + counters.tryIncrement(COUNTER, Long.MAX_VALUE, far));
            out.flush();
        }
    }
}
