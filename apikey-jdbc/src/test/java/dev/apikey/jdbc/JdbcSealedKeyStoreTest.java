package dev.apikey.jdbc;

import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import dev.apikey.spi.DuplicateKeyException;
import dev.apikey.spi.SealedKeyStore.Sealed;
import dev.apikey.spi.TestRecords;
import dev.apikey.spi.VersionConflictException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The seal column (schema V3) as a Hazelcast registry's MapStore uses it, on a real PostgreSQL. */
class JdbcSealedKeyStoreTest {
    @RegisterExtension
    static final PostgresDatabase DB = new PostgresDatabase();

    private JdbcKeyStore store;

    @BeforeEach
    void emptyTables() throws SQLException {
        DB.truncate();
        store = JdbcKeyStore.builder(DB.dataSource()).build();
    }

    private static byte[] seal(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSealedRecordReadsBackWithItsSealAndItsVersionAsWritten() {
        KeyRecord v1 = TestRecords.record().toBuilder().version(1).build();
        store.putSealed(v1, seal("mac-1"));
        KeyRecord v2 = v1.toBuilder().owner("someone-else").version(2).build();
        store.putSealed(v2, seal("mac-2"));

        Sealed read = store.findSealed(v1.digest()).orElseThrow();
        assertThat(read.record()).isEqualTo(v2);
        assertThat(read.seal()).isEqualTo(seal("mac-2"));
        assertThat(store.findSealed(List.of(v1.digest(), TestRecords.randomDigest()))).hasSize(1);
        assertThat(store.digests()).containsExactly(v1.digest());
    }

    @Test
    void theSameVersionCanBeWrittenAgainWithALaterLastUsedButNeverAnEarlierOne() {
        KeyRecord v1 = TestRecords.record().toBuilder().version(1).build();
        store.putSealed(v1, seal("mac-1"));
        Instant used = Instant.parse("2026-01-01T00:00:00Z");
        store.putSealed(v1.toBuilder().lastUsed(used).build(), seal("mac-1"));
        store.putSealed(v1.toBuilder().lastUsed(used.minusSeconds(60)).build(), seal("mac-1"));

        assertThat(store.findSealed(v1.digest()).orElseThrow().record().lastUsed()).isEqualTo(used);
    }

    @Test
    void aStaleVersionIsAConflictAndChangesNothing() {
        KeyRecord v1 = TestRecords.record().toBuilder().version(1).build();
        store.putSealed(v1, seal("mac-1"));

        assertThatThrownBy(() -> store.putSealed(v1.toBuilder().owner("x").version(3).build(), seal("mac-3")))
                .isInstanceOf(VersionConflictException.class);
        assertThat(store.findSealed(v1.digest()).orElseThrow().record()).isEqualTo(v1);
    }

    @Test
    void aRevokedRowTakesNoActiveRecord() {
        KeyRecord v1 = TestRecords.record().toBuilder().version(1).build();
        store.putSealed(v1, seal("mac-1"));
        KeyRecord revoked = v1.toBuilder().status(KeyStatus.REVOKED).version(2).build();
        store.putSealed(revoked, seal("mac-2"));

        assertThatThrownBy(() -> store.putSealed(v1.toBuilder().version(3).build(), seal("mac-3")))
                .isInstanceOf(VersionConflictException.class);
        assertThat(store.findSealed(v1.digest()).orElseThrow().record().status()).isEqualTo(KeyStatus.REVOKED);
    }

    @Test
    void aFirstVersionWhoseIdIsTakenIsADuplicate() {
        KeyRecord v1 = TestRecords.record().toBuilder().version(1).build();
        store.putSealed(v1, seal("mac-1"));
        KeyRecord other = TestRecords.record().toBuilder().id(v1.id()).version(1).build();

        assertThatThrownBy(() -> store.putSealed(other, seal("mac-x"))).isInstanceOf(DuplicateKeyException.class);
    }
}
