package dev.apikey.jdbc;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import dev.apikey.spi.TestRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the V2 triggers send on the channel {@code apikey_keys}, read on a raw listening connection: the schema and
 * the key's id for a change, at commit only, never a digest, and nothing for what no cache needs to hear.
 */
class KeyChangeNotificationTest {
    @RegisterExtension
    static final PostgresDatabase DB = new PostgresDatabase();

    private JdbcKeyStore store;
    private Connection listening;
    private String schema;

    @BeforeEach
    void listen() throws SQLException {
        DB.truncate();
        DataSource ds = DB.dataSource();
        store = JdbcKeyStore.builder(ds).build();
        listening = ds.getConnection();
        try (Statement st = listening.createStatement()) {
            st.execute("LISTEN apikey_keys");
        }
        schema = DB.queryString("SELECT current_schema()");
        // The TRUNCATE above may have notified before the LISTEN; nothing after it can be in flight.
        received();
    }

    @AfterEach
    void close() throws SQLException {
        listening.close();
    }

    /** The payloads received so far, waiting a little for late ones. */
    private List<String> received() throws SQLException {
        List<String> out = new ArrayList<>();
        PGNotification[] ns = listening.unwrap(PGConnection.class).getNotifications(300);
        if (ns != null) {
            for (PGNotification n : ns) {
                out.add(n.getParameter());
            }
        }
        return out;
    }

    @Test
    void aChangeSendsTheSchemaAndTheIdAndNeverTheDigest() throws Exception {
        KeyRecord stored = store.create(TestRecords.record());
        assertThat(received()).as("an insert: no cache holds the new key").isEmpty();

        store.update(stored.toBuilder().status(KeyStatus.REVOKED).build());

        List<String> payloads = received();
        assertThat(payloads).hasSize(1);
        Map<String, Object> payload = JSON.std.mapFrom(payloads.get(0));
        assertThat(payload).containsExactlyInAnyOrderEntriesOf(Map.of("schema", schema, "id", stored.id()));
        String encoded = stored.digest().encoded();
        assertThat(payloads.get(0)).doesNotContain(encoded).doesNotContain(encoded.substring(encoded.indexOf(':') + 1));
    }

    @Test
    void recordingALastUseNotifiesNobody() throws SQLException {
        KeyRecord stored = store.create(TestRecords.record());

        store.recordUse(stored.id(), Instant.parse("2026-01-01T00:00:00Z"));

        assertThat(received()).isEmpty();
        assertThat(store.findById(stored.id()).orElseThrow().lastUsed()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void aChangeThatRollsBackNotifiesNobodyAndOneThatCommitsNotifiesAtCommit() throws SQLException {
        KeyRecord stored = store.create(TestRecords.record());
        try (Connection c = DB.dataSource().getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.executeUpdate("UPDATE apikey_keys SET status = 'SUSPENDED' WHERE id = '" + stored.id() + "'");
            assertThat(received()).as("before the commit").isEmpty();
            c.rollback();
            assertThat(received()).as("after a rollback").isEmpty();

            st.executeUpdate("UPDATE apikey_keys SET owner = 'someone-else' WHERE id = '" + stored.id() + "'");
            c.commit();
        }
        assertThat(received()).hasSize(1).allMatch(p -> p.contains(stored.id()));
    }

    @Test
    void aDeleteOrATruncateByHandNotifiesToo() throws Exception {
        KeyRecord stored = store.create(TestRecords.record());

        DB.execute("DELETE FROM apikey_keys WHERE id = '" + stored.id() + "'");
        assertThat(received()).hasSize(1).allMatch(p -> p.contains(stored.id()));

        DB.truncate();
        List<String> payloads = received();
        assertThat(payloads).hasSize(1);
        Map<String, Object> flushAll = JSON.std.mapFrom(payloads.get(0));
        assertThat(flushAll).containsEntry("schema", schema).containsEntry("id", null);
    }
}
