package dev.apikey.hazelcast.internal;

import dev.apikey.KeyDigest;
import dev.apikey.KeyIds;
import dev.apikey.KeyRecord;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.SealedKeyStore;
import dev.apikey.spi.StoreUnavailableException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry's map store at its edges; the real thing on PostgreSQL is apikey-jdbc's DurableClusterTest. */
class RegistryMapStoreTest {
    private static final ClusterKeys KEYS = ClusterKeys.of("registry map store test secret, 32+ bytes".getBytes(StandardCharsets.UTF_8));
    private final RecordingStore store = new RecordingStore();
    private final RegistryMapStore mapStore = new RegistryMapStore(store);

    private static KeyRecord record(Instant created) {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return KeyRecord.builder().id(KeyIds.newId()).digest(KeyDigest.of("sha256", b)).hint("ak_live_…abcd")
                .owner("o").created(created).version(1).build();
    }

    @Test
    void aRecordSealedWithInstantsFinerThanMicrosecondsIsRefusedAndNothingIsWritten() {
        SealedRecord sealed = SealedRecord.seal(KEYS, record(Instant.parse("2026-01-01T00:00:00.123456789Z")));

        assertThatThrownBy(() -> mapStore.store(sealed.record().digest().encoded(), sealed))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("nothing written");
        assertThat(store.writes).isEmpty();
    }

    @Test
    void aRecordUnderAnotherDigestIsRefused() {
        SealedRecord sealed = SealedRecord.seal(KEYS, record(Instant.parse("2026-01-01T00:00:00Z")));

        assertThatThrownBy(() -> mapStore.store(record(Instant.EPOCH).digest().encoded(), sealed))
                .isInstanceOf(IllegalStateException.class);
        assertThat(store.writes).isEmpty();
    }

    @Test
    void aWriteTheStoreFailsBecomesAPlainExceptionWithoutCauseSoItCrossesMembers() {
        store.fail = true;
        SealedRecord sealed = SealedRecord.seal(KEYS, record(Instant.parse("2026-01-01T00:00:00Z")));

        assertThatThrownBy(() -> mapStore.store(sealed.record().digest().encoded(), sealed))
                .isExactlyInstanceOf(IllegalStateException.class).hasNoCause()
                .hasMessageContaining(sealed.record().id()).hasMessageNotContaining(sealed.record().digest().encoded());
    }

    @Test
    void theMacIsWrittenBesideTheRecordAndLoadedBackWithIt() {
        SealedRecord sealed = SealedRecord.seal(KEYS, record(Instant.parse("2026-01-01T00:00:00.123456Z")));
        String key = sealed.record().digest().encoded();
        mapStore.store(key, sealed);

        SealedRecord loaded = mapStore.load(key);

        assertThat(loaded.verify(KEYS, key)).isTrue();
        assertThat(mapStore.loadAllKeys()).containsExactly(key);
        assertThat(mapStore.loadAll(List.of(key, "not a digest"))).containsOnlyKeys(key);
    }

    @Test
    void deletesNeverReachTheStoreAndMalformedKeysAreNotLookedUp() {
        mapStore.delete("sha256:x");
        mapStore.deleteAll(List.of("sha256:x"));

        assertThat(mapStore.load("not a digest")).isNull();
        assertThat(store.calls).isZero();
    }

    /** Keeps sealed records in a list and counts every call. */
    private static final class RecordingStore implements SealedKeyStore {
        final List<Sealed> writes = new ArrayList<>();
        boolean fail;
        int calls;

        @Override
        public Optional<Sealed> findSealed(KeyDigest digest) {
            calls++;
            return writes.stream().filter(s -> s.record().digest().equals(digest)).findFirst();
        }

        @Override
        public List<Sealed> findSealed(Collection<KeyDigest> digests) {
            calls++;
            return writes.stream().filter(s -> digests.contains(s.record().digest())).toList();
        }

        @Override
        public List<KeyDigest> digests() {
            calls++;
            return writes.stream().map(s -> s.record().digest()).toList();
        }

        @Override
        public void putSealed(KeyRecord record, byte[] seal) {
            calls++;
            if (fail) {
                throw new StoreUnavailableException("test store: down");
            }
            writes.add(new Sealed(record, seal));
        }

        @Override
        public Optional<KeyRecord> findByDigest(KeyDigest digest) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<KeyRecord> findById(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public KeyRecord create(KeyRecord record) {
            throw new UnsupportedOperationException();
        }

        @Override
        public KeyRecord update(KeyRecord record) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void recordUse(String id, Instant at) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<KeyRecord> list(KeyQuery query) {
            throw new UnsupportedOperationException();
        }
    }
}
