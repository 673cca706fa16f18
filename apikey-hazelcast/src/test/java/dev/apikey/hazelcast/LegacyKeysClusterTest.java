package dev.apikey.hazelcast;

import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.Decision;
import dev.apikey.ImportedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyRequest;
import dev.apikey.Outcome;
import dev.apikey.hazelcast.internal.ClusterKeys;
import dev.apikey.hazelcast.internal.SealedRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Imported legacy keys in the cluster: stored on one member, verified on another, and sealed by the record MAC. */
class LegacyKeysClusterTest {
    private static final String OLD_KEY = "sk_live_51HxLegacyPartnerKey0042";

    private static ApiKeyVerifier verifier(ApiKeyHazelcast hz, boolean legacy) {
        return ApiKeyVerifier.builder(hz.keyStore()).rateLimiter(hz.rateLimiter()).usageCounters(hz.usageCounters())
                .clientThrottle(ClientThrottle.disabled()).legacyKeys(legacy).build();
    }

    @Test
    void aKeyImportedOnOneMemberVerifiesOnAnotherOnlyWithTheLegacyPathOnAndAReRunFindsIt() {
        HazelcastOptions options = TestCluster.freshMaps().build();
        try (TestCluster cluster = TestCluster.start("legacy-keys", 2, options)) {
            ApiKeyHazelcast a = ApiKeyHazelcast.from(cluster.member(0), options);
            ApiKeyHazelcast b = ApiKeyHazelcast.from(cluster.member(1), options);
            KeyManager manager = KeyManager.builder(a.keyStore()).build();
            KeyRecord imported = manager.importKey(ImportedKey.plaintext(OLD_KEY,
                    KeyRequest.builder().owner("partner-x").scopes("billing:read").build()));
            assertThat(b.keyStore().findByDigest(imported.digest())).hasValueSatisfying(r -> assertThat(r.legacy()).isTrue());

            try (ApiKeyVerifier on = verifier(b, true); ApiKeyVerifier off = verifier(b, false)) {
                Decision allowed = on.verify(Fixtures.request(OLD_KEY));
                assertThat(allowed.status()).as(allowed.outcome().toString()).isEqualTo(200);
                assertThat(off.verify(Fixtures.request(OLD_KEY)).outcome()).isEqualTo(Outcome.MALFORMED_KEY);
            }
        }
    }

    @Test
    void aStoreWriterWithoutTheSecretCannotTurnAKeyIntoALegacyKeyOrBack() {
        ClusterKeys keys = ClusterKeys.of(TestCluster.SECRET);
        KeyRecord normal = Fixtures.record("mac").toBuilder().version(1).build();
        KeyRecord legacy = normal.toBuilder().legacy(true).build();
        String mapKey = normal.digest().encoded();
        SealedRecord sealedNormal = SealedRecord.seal(keys, normal);
        SealedRecord sealedLegacy = SealedRecord.seal(keys, legacy);
        assertThat(sealedNormal.verify(keys, mapKey)).isTrue();
        assertThat(sealedLegacy.verify(keys, mapKey)).isTrue();

        assertThat(new SealedRecord(legacy, keys.recordMac(mapKey, normal)).verify(keys, mapKey)).isFalse();
        assertThat(new SealedRecord(normal, keys.recordMac(mapKey, legacy)).verify(keys, mapKey)).isFalse();
    }
}
