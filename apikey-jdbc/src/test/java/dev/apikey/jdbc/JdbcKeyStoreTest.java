package dev.apikey.jdbc;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyRecord;
import dev.apikey.spi.DuplicateKeyException;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.StoreUnavailableException;
import dev.apikey.spi.TestRecords;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the JDBC store adds to the contract: keyset pages, last-used outside the version, the microsecond, hostile
 * text, and failures that never carry a digest. Needs a PostgreSQL server: see {@link PostgresDatabase}
 * (locally: {@code . .ci/postgres.sh} then {@code mvn -B verify -pl apikey-jdbc -am}).
 */
class JdbcKeyStoreTest {
    @RegisterExtension
    static final PostgresDatabase DB = new PostgresDatabase();

    private JdbcKeyStore store;

    @BeforeEach
    void emptyStore() throws SQLException {
        DB.truncate();
        store = JdbcKeyStore.builder(DB.dataSource()).build();
    }

    @Test
    void hostileTextRoundTripsUnchangedAndRunsNoSql() {
        String owner = "o'brien\"; DROP TABLE apikey_keys; --";
        String tenant = "t' OR ''='";
        Map<String, String> labels = Map.of("note", "'; DROP TABLE apikey_keys; --",
                "q\"uote'", "$1 ? ?::jsonb {\"a\":[1]} \\' \u00e9\u4e2d");
        KeyRecord hostile = store.create(TestRecords.builder().owner(owner).tenant(tenant).labels(labels).build());
        store.create(TestRecords.record());

        assertThat(store.findById(hostile.id())).contains(hostile);
        assertThat(store.findByDigest(hostile.digest()).orElseThrow().labels()).isEqualTo(labels);
        assertThat(store.list(KeyQuery.byOwner(owner))).containsExactly(hostile);
        assertThat(store.list(KeyQuery.byTenant(tenant))).containsExactly(hostile);
        assertThat(store.listPage(KeyQuery.all(), "' OR 1=1 --", 10)).hasSize(2);
        KeyRecord updated = store.update(hostile.toBuilder().owner(owner + "'").build());
        assertThat(store.findById(hostile.id())).contains(updated);
        assertThat(store.list(KeyQuery.all())).hasSize(2);
    }

    @Test
    void pagesWalkEveryMatchingRecordOnceInIdOrder() {
        List<String> alpha = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            alpha.add(store.create(TestRecords.record("alpha", null)).id());
            if (i < 5) {
                store.create(TestRecords.record("beta", null));
            }
        }
        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String after = null;
        List<KeyRecord> page;
        do {
            page = store.listPage(KeyQuery.byOwner("alpha"), after, 10);
            sizes.add(page.size());
            page.forEach(r -> seen.add(r.id()));
            if (!page.isEmpty()) {
                after = page.get(page.size() - 1).id();
                // A change between pages moves nothing: the cursor is the id, which never changes.
                KeyRecord first = page.get(0);
                store.update(first.toBuilder().labels(Map.of("seen", "yes")).build());
            }
        } while (page.size() == 10);

        assertThat(sizes).containsExactly(10, 10, 3);
        assertThat(seen).isSorted().containsExactlyInAnyOrderElementsOf(alpha);
        assertThat(store.list(KeyQuery.byOwner("alpha")).stream().map(KeyRecord::id).collect(Collectors.toList()))
                .isEqualTo(seen);
    }

    @Test
    void pageSizesOutsideOneToTenThousandAreRefused() {
        assertThatThrownBy(() -> store.listPage(KeyQuery.all(), null, 0))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("got 0");
        assertThatThrownBy(() -> store.listPage(KeyQuery.all(), null, 10_001))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("got 10001");
    }

    @Test
    void recordUseMovesLastUsedForwardOnlyAndKeepsTheVersion() {
        KeyRecord stored = store.create(TestRecords.record());
        Instant t1 = TestRecords.CREATED.plusSeconds(600);

        store.recordUse(stored.id(), t1);
        store.recordUse(stored.id(), t1.minusSeconds(60));
        store.recordUse("key_unknown0", t1);

        KeyRecord read = store.findById(stored.id()).orElseThrow();
        assertThat(read.lastUsed()).isEqualTo(t1);
        assertThat(read.version()).isEqualTo(1);
    }

    @Test
    void anUpdateFromAStaleCopyNeverMovesLastUsedBack() {
        KeyRecord stored = store.create(TestRecords.record());
        Instant used = TestRecords.CREATED.plusSeconds(600);
        store.recordUse(stored.id(), used);

        KeyRecord updated = store.update(stored.toBuilder().owner("team-b").build());

        assertThat(updated.version()).isEqualTo(2);
        assertThat(updated.lastUsed()).isEqualTo(used);
        assertThat(store.findById(stored.id())).contains(updated);
    }

    @Test
    void aChangedDigestIsRefusedAndNothingChanges() {
        KeyRecord stored = store.create(TestRecords.record());

        assertThatThrownBy(() -> store.update(stored.toBuilder().digest(TestRecords.randomDigest()).owner("x").build()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("cannot change");
        assertThat(store.findById(stored.id())).contains(stored);
    }

    @Test
    void instantsAreKeptToTheMicrosecondAndCreateReturnsWhatLaterReadsReturn() {
        KeyRecord stored = store.create(TestRecords.builder().created(TestRecords.CREATED.plusNanos(123_456_789))
                .expires(TestRecords.CREATED.plusSeconds(3600).plusNanos(999)).build());

        assertThat(stored.created()).isEqualTo(TestRecords.CREATED.plusNanos(123_456_000));
        assertThat(stored.expires()).isEqualTo(TestRecords.CREATED.plusSeconds(3600));
        assertThat(store.findByDigest(stored.digest())).contains(stored);
    }

    @Test
    void aNewRecordStartsItsOwnLineage() throws SQLException {
        KeyRecord stored = store.create(TestRecords.record());

        assertThat(DB.queryString("SELECT lineage FROM apikey_keys WHERE id = '" + stored.id() + "'")).isEqualTo(stored.id());
    }

    @Test
    void lookupByDigestIsOneSelectOnTheUniqueDigestIndex() throws SQLException {
        String plan;
        try (Connection c = DB.dataSource().getConnection(); Statement st = c.createStatement()) {
            // Forbid the sequential scan a near-empty table would get, to see that the index serves the query.
            st.execute("SET enable_seqscan = off");
            try (ResultSet rs = st.executeQuery("EXPLAIN " + JdbcKeyStore.FIND_BY_DIGEST.replace("?", "'sha256:x'"))) {
                StringBuilder b = new StringBuilder();
                while (rs.next()) {
                    b.append(rs.getString(1)).append('\n');
                }
                plan = b.toString();
            }
        }
        assertThat(plan).contains("Index Scan using apikey_keys_digest").doesNotContain("Seq Scan");
        assertThat(DB.queryString("SELECT indexdef FROM pg_indexes WHERE indexname = 'apikey_keys_digest'"))
                .startsWith("CREATE UNIQUE INDEX");
    }

    @Test
    void aDuplicateDigestIsRefusedWithoutTheDigestInAnyMessage() {
        KeyRecord first = store.create(TestRecords.record());

        assertThatThrownBy(() -> store.create(TestRecords.builder().digest(first.digest()).build()))
                .isInstanceOf(DuplicateKeyException.class)
                .satisfies(e -> Secrets.assertNoDigestIn(e, first.digest()));
    }

    @Test
    void aDatabaseErrorThatQuotesTheDigestIsPassedOnWithoutIt() throws SQLException {
        KeyRecord record = TestRecords.record();
        DB.execute("CREATE FUNCTION refuse_key() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " RAISE EXCEPTION 'refused %', NEW.digest USING DETAIL = 'digest ' || NEW.digest, HINT = NEW.digest;"
                + " END $$");
        DB.execute("CREATE TRIGGER refuse_key BEFORE INSERT ON apikey_keys FOR EACH ROW EXECUTE FUNCTION refuse_key()");
        try {
            assertThatThrownBy(() -> store.create(record))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("SQLState P0001")
                    .satisfies(e -> Secrets.assertNoDigestIn(e, record.digest()));
        } finally {
            DB.execute("DROP TRIGGER refuse_key ON apikey_keys");
            DB.execute("DROP FUNCTION refuse_key()");
        }
    }

    @Test
    void aRowThatIsNotAValidRecordFailsClosedNamingTheKeyAndColumn() throws SQLException {
        KeyRecord stored = store.create(TestRecords.record());
        DB.execute("UPDATE apikey_keys SET scopes = '{\"not a scope!\"}' WHERE id = '" + stored.id() + "'");

        assertThatThrownBy(() -> store.findByDigest(stored.digest()))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining(stored.id()).hasMessageContaining("scopes")
                .satisfies(e -> Secrets.assertNoDigestIn(e, stored.digest()));
    }

    @Test
    void anUnreachableDatabaseIsStoreUnavailable() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setURL("jdbc:postgresql://127.0.0.1:1/apikey_test");
        nowhere.setConnectTimeout(2);
        JdbcKeyStore down = JdbcKeyStore.builder(nowhere).build();
        KeyRecord record = TestRecords.record();

        assertThatThrownBy(() -> down.findByDigest(record.digest()))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("SQLState 08")
                .satisfies(e -> Secrets.assertNoDigestIn(e, record.digest()));
        assertThatThrownBy(() -> down.create(record)).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> JdbcKeyStore.builder(nowhere).createSchema(true).build())
                .isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void aWrongPasswordIsStoreUnavailableAndTheMessageHoldsNoPassword() {
        String password = "wrong-" + IntStream.range(0, 4).mapToObj(i -> Integer.toHexString(i * 7919)).collect(Collectors.joining());
        JdbcKeyStore refused = JdbcKeyStore.builder(PostgresDatabase.withPassword(password)).build();

        assertThatThrownBy(() -> refused.findById("key_abc"))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("SQLState 28P01")
                .satisfies(e -> assertThat(Secrets.printed(e)).doesNotContain(password));
    }
}
