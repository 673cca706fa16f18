package dev.apikey.hazelcast;

import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import dev.apikey.spi.DuplicateKeyException;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.VersionConflictException;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Store behaviour run against every way of reaching the cluster (embedded member, client). Each test gets a
 * fresh store from {@link #newStore()}, the same hook core's {@code KeyStoreContract} uses.
 */
abstract class HazelcastKeyStoreBehaviour {

    /** A store over maps no other test uses. */
    protected abstract KeyStore newStore();

    @Test
    void createdRecordIsFoundByDigestAndById() {
        KeyStore store = newStore();
        KeyRecord stored = store.create(Fixtures.record("app-1"));
        assertThat(stored.version()).isEqualTo(1);
        assertThat(store.findByDigest(stored.digest())).contains(stored);
        assertThat(store.findById(stored.id())).contains(stored);
        assertThat(store.findByDigest(Fixtures.randomDigest())).isEmpty();
        assertThat(store.findById("key_doesnotexist")).isEmpty();
    }

    @Test
    void everyFieldSurvivesTheCluster() {
        KeyStore store = newStore();
        KeyRecord full = Fixtures.fullRecord("app-full");
        KeyRecord stored = store.create(full);
        KeyRecord read = store.findById(full.id()).orElseThrow();
        assertThat(read).isEqualTo(full.toBuilder().version(1).build()).isEqualTo(stored);
        assertThat(read.digest()).isEqualTo(full.digest());
    }

    @Test
    void duplicateIdOrDigestIsRejected() {
        KeyStore store = newStore();
        KeyRecord r = store.create(Fixtures.record("app-dup"));
        KeyRecord sameId = Fixtures.record("app-dup").toBuilder().id(r.id()).build();
        KeyRecord sameDigest = Fixtures.record("app-dup").toBuilder().digest(r.digest()).build();
        assertThatThrownBy(() -> store.create(sameId)).isInstanceOf(DuplicateKeyException.class);
        assertThatThrownBy(() -> store.create(sameDigest)).isInstanceOf(DuplicateKeyException.class);
        // The failed create released its id claim.
        assertThat(store.findById(sameDigest.id())).isEmpty();
        assertThat(store.findByDigest(r.digest())).contains(r);
    }

    @Test
    void updateWithCurrentVersionIncrementsIt() {
        KeyStore store = newStore();
        KeyRecord r = store.create(Fixtures.record("app-upd"));
        KeyRecord updated = store.update(r.toBuilder().owner("app-upd-2").build());
        assertThat(updated.version()).isEqualTo(2);
        assertThat(store.findByDigest(r.digest())).contains(updated);
    }

    @Test
    void updateWithStaleVersionIsAVersionConflict() {
        KeyStore store = newStore();
        KeyRecord r = store.create(Fixtures.record("app-stale"));
        store.update(r.toBuilder().status(KeyStatus.SUSPENDED).build());
        assertThatThrownBy(() -> store.update(r.toBuilder().owner("lost-update").build()))
                .isInstanceOf(VersionConflictException.class);
        assertThat(store.findById(r.id()).orElseThrow().status()).isEqualTo(KeyStatus.SUSPENDED);
    }

    @Test
    void updateOfUnknownRecordIsAVersionConflict() {
        KeyStore store = newStore();
        assertThatThrownBy(() -> store.update(Fixtures.record("ghost").toBuilder().version(1).build()))
                .isInstanceOf(VersionConflictException.class);
    }

    @Test
    void revokedRecordStaysAsATombstone() {
        KeyStore store = newStore();
        KeyRecord r = store.create(Fixtures.record("app-rev"));
        KeyRecord revoked = store.update(r.toBuilder().status(KeyStatus.REVOKED).build());
        assertThat(store.findByDigest(r.digest())).contains(revoked);
        assertThat(revoked.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(store.list(KeyQuery.byOwner("app-rev"))).containsExactly(revoked);
    }

    @Test
    void listFiltersByOwnerAndTenant() {
        KeyStore store = newStore();
        String owner = "owner-" + UUID.randomUUID();
        KeyRecord a = store.create(Fixtures.record(owner));
        KeyRecord b = store.create(Fixtures.record(owner).toBuilder().tenant("t-" + owner.substring(6, 14)).build());
        KeyRecord other = store.create(Fixtures.record("someone-else"));
        assertThat(store.list(KeyQuery.byOwner(owner))).containsExactlyInAnyOrder(a, b);
        assertThat(store.list(KeyQuery.byTenant(b.tenant()))).containsExactly(b);
        assertThat(store.list(KeyQuery.all())).contains(a, b, other);
    }
}
