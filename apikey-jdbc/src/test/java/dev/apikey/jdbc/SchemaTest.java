package dev.apikey.jdbc;

import dev.apikey.KeyRecord;
import dev.apikey.spi.StoreUnavailableException;
import dev.apikey.spi.TestRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.sql.DataSource;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shipped schema script and {@code createSchema(true)}, each test in a new empty schema. Needs a PostgreSQL
 * server: see {@link PostgresDatabase} (locally: {@code . .ci/postgres.sh} then {@code mvn -B verify -pl apikey-jdbc -am}).
 */
class SchemaTest {
    @RegisterExtension
    static final PostgresDatabase DB = new PostgresDatabase();

    private static final String SCRIPT = "db/postgresql/V1__apikey_schema.sql";

    @Test
    void createSchemaMakesTheTablesInAnEmptySchemaAndRecordsEveryVersion() throws SQLException {
        DataSource ds = DB.freshSchema();
        assertThat(tables(ds)).isEmpty();

        JdbcKeyStore store = JdbcKeyStore.builder(ds).createSchema(true).build();

        assertThat(tables(ds)).containsExactlyInAnyOrder("apikey_keys", "apikey_schema_version", "apikey_usage_counters");
        assertThat(versions(ds)).containsExactly(1, 2, 3, 4, 5, 6);
        KeyRecord stored = store.create(TestRecords.record());
        assertThat(store.findByDigest(stored.digest())).contains(stored);
    }

    @Test
    void runningTheSchemaAgainChangesNothingAndKeepsTheRows() throws Exception {
        DataSource ds = DB.freshSchema();
        JdbcKeyStore store = JdbcKeyStore.builder(ds).createSchema(true).build();
        KeyRecord stored = store.create(TestRecords.record());

        JdbcKeyStore.builder(ds).createSchema(true).build();
        JdbcUsageCounters.builder(ds).createSchema(true).build();
        // As a migration tool would if its history were lost: the file itself is idempotent too.
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(script());
        }

        assertThat(versions(ds)).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(store.findById(stored.id())).contains(stored);
    }

    @Test
    void aVersion1SchemaIsUpgradedInPlaceKeepingItsRowsGainingTheTriggersSealGovernanceAndSharedCreditColumns() throws Exception {
        DataSource ds = DB.freshSchema();
        KeyRecord old = TestRecords.builder().version(1).build();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(script());
            // A row as a version-1 deployment wrote it: none of the later columns exist yet.
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO apikey_keys (id, digest, lineage, hint, owner, "
                    + "environment, scopes, allowed_cidrs, created, status, version) "
                    + "VALUES (?, ?, ?, ?, ?, 'live', '{billing:read}', '{}', ?, 'ACTIVE', 1)")) {
                ps.setString(1, old.id());
                ps.setString(2, old.digest().encoded());
                ps.setString(3, old.id());
                ps.setString(4, old.hint());
                ps.setString(5, old.owner());
                ps.setObject(6, java.time.OffsetDateTime.ofInstant(old.created(), java.time.ZoneOffset.UTC));
                ps.executeUpdate();
            }
        }
        assertThat(versions(ds)).containsExactly(1);

        JdbcKeyStore upgraded = JdbcKeyStore.builder(ds).createSchema(true).build();

        assertThat(versions(ds)).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(column(ds, "SELECT tgname FROM pg_trigger WHERE tgrelid = 'apikey_keys'::regclass ORDER BY tgname"))
                .containsExactly("apikey_keys_notify", "apikey_keys_notify_truncate");
        KeyRecord read = upgraded.findById(old.id()).orElseThrow();
        assertThat(read).usingRecursiveComparison().isEqualTo(old);
        assertThat(read.description()).isNull();
        assertThat(read.reviewAfter()).isNull();
        assertThat(upgraded.findSealed(old.digest()).orElseThrow().seal()).isEmpty();
        assertThat(read.creditsPer()).isEqualTo(dev.apikey.Per.KEY);
        KeyRecord described = upgraded.update(read.toBuilder().description("billing export")
                .reviewAfter(java.time.LocalDate.of(2027, 1, 31)).credits(100L).creditsPer(dev.apikey.Per.OWNER).build());
        assertThat(upgraded.findById(old.id())).contains(described);
    }

    @Test
    void nodesStartingAtOnceAllComeUpOnOneSchema() throws Exception {
        DataSource ds = DB.freshSchema();
        int nodes = 6;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<JdbcKeyStore>> started = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                started.add(pool.submit(() -> {
                    go.await();
                    return JdbcKeyStore.builder(ds).createSchema(true).build();
                }));
            }
            go.countDown();
            for (Future<JdbcKeyStore> f : started) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isNotNull();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(versions(ds)).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void withoutCreateSchemaAMissingTableIsStoreUnavailableNamingIt() throws SQLException {
        JdbcKeyStore store = JdbcKeyStore.builder(DB.freshSchema()).build();

        assertThatThrownBy(() -> store.findById("key_abc"))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("SQLState 42P01").hasMessageContaining("apikey_keys");
    }

    @Test
    void theScriptIsVersionedTheWayFlywayNamesItAndPrefixesEveryTable() throws Exception {
        assertThat(SCRIPT.substring(SCRIPT.lastIndexOf('/') + 1)).matches("V[0-9]+__[a-z_]+\\.sql");
        String sql = script();
        assertThat(sql).containsPattern("CREATE TABLE IF NOT EXISTS apikey_keys\\b")
                .doesNotContainPattern("(?i)\\bDROP\\b|\\bDELETE\\b|\\bTRUNCATE\\b");
        assertThat(sql.lines().filter(l -> l.startsWith("CREATE TABLE"))
                .allMatch(l -> l.startsWith("CREATE TABLE IF NOT EXISTS apikey_"))).isTrue();
    }

    private static String script() throws Exception {
        try (InputStream in = SchemaTest.class.getClassLoader().getResourceAsStream(SCRIPT)) {
            assertThat(in).as(SCRIPT + " on the class path").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> tables(DataSource ds) throws SQLException {
        return column(ds, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()");
    }

    private static List<Integer> versions(DataSource ds) throws SQLException {
        return column(ds, "SELECT version FROM apikey_schema_version ORDER BY version").stream()
                .map(Integer::valueOf).toList();
    }

    private static List<String> column(DataSource ds, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
