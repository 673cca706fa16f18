package dev.apikey.jdbc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Creates or upgrades the apikey tables from the versioned scripts under {@code db/postgresql/}, the same files
 * Flyway or Liquibase would run. Several nodes may start at once: the check and the scripts run in one
 * transaction that first takes a transaction-level advisory lock, so one node creates the tables and the others
 * wait, then find them there.
 */
public final class SchemaRunner {
    /** Where the scripts are, on the class path. */
    public static final String LOCATION = "db/postgresql/";

    /** Every script, in version order. A new schema version adds its file here; scripts are never edited. */
    static final List<Script> SCRIPTS = List.of(new Script(1, "V1__apikey_schema.sql"),
            new Script(2, "V2__apikey_keys_notify.sql"),
            new Script(3, "V3__record_seal.sql"),
            new Script(4, "V4__key_governance.sql"),
            new Script(5, "V5__shared_credits.sql"),
            new Script(6, "V6__legacy_keys.sql"));

    // Any fixed number will do, as long as no other schema runner in the same database uses it: "apikey" in ASCII.
    private static final long LOCK_KEY = 0x6170_696b_6579L;

    /** One versioned script. */
    record Script(int version, String file) {
    }

    private SchemaRunner() {
    }

    /** The highest schema version, after running every script above the one installed. */
    public static int ensureSchema(Jdbc jdbc) {
        return jdbc.run("schema creation", SchemaRunner::ensureSchema);
    }

    private static int ensureSchema(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, LOCK_KEY);
                lock.execute();
            }
            int installed = installedVersion(c);
            for (Script s : SCRIPTS) {
                if (s.version() > installed) {
                    try (Statement st = c.createStatement()) {
                        st.execute(text(s.file()));
                    }
                    installed = s.version();
                }
            }
            c.commit();
            return installed;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** The highest version recorded in apikey_schema_version (found through the search_path), or 0. */
    static int installedVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('apikey_schema_version') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return 0;
            }
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM apikey_schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The text of script {@code file}, read from the class path. */
    static String text(String file) {
        try (InputStream in = SchemaRunner.class.getResourceAsStream("/" + LOCATION + file)) {
            if (in == null) {
                throw new IllegalStateException("schema script " + LOCATION + file + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read schema script " + LOCATION + file, e);
        }
    }
}
