package dev.apikey.hazelcast.internal;

import dev.apikey.Cidr;
import dev.apikey.KeyDigest;
import dev.apikey.KeyIds;
import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import dev.apikey.Quota;
import dev.apikey.RateLimitPolicy;
import dev.apikey.ScopeSet;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rules of a restrictive merge: whatever either side restricted stays restricted. */
class RecordMergeTest {
    private static final Instant T = Instant.parse("2026-06-01T00:00:00Z");
    private final KeyRecord base = KeyRecord.builder().id(KeyIds.newId()).digest(KeyDigest.of("sha256", new byte[32]))
            .hint("ak_live_…abcd").owner("merge").created(T).scopes(ScopeSet.parse("billing:*", "reports:read"))
            .version(3).build();

    private KeyRecord v(long version) {
        return base.toBuilder().version(version).build();
    }

    @Test
    void statusRevokedOverSuspendedOverActive() {
        assertThat(RecordMerge.restrictive(v(9), v(2).toBuilder().status(KeyStatus.SUSPENDED).build()).status())
                .isEqualTo(KeyStatus.SUSPENDED);
        assertThat(RecordMerge.restrictive(v(2).toBuilder().status(KeyStatus.REVOKED).build(),
                v(9).toBuilder().status(KeyStatus.SUSPENDED).build()).status()).isEqualTo(KeyStatus.REVOKED);
    }

    @Test
    void theEarlierExpiryAndTheLaterNotBefore() {
        KeyRecord a = v(5).toBuilder().expires(T.plusSeconds(7200)).notBefore(T.plusSeconds(60)).build();
        KeyRecord b = v(4).toBuilder().expires(T.plusSeconds(3600)).build();
        KeyRecord m = RecordMerge.restrictive(a, b);
        assertThat(m.expires()).isEqualTo(T.plusSeconds(3600));
        assertThat(m.notBefore()).isEqualTo(T.plusSeconds(60));
        assertThat(RecordMerge.restrictive(v(9), b).expires()).as("no expiry yields to an expiry").isEqualTo(T.plusSeconds(3600));
    }

    @Test
    void scopesAreWhatBothSidesGrant() {
        KeyRecord narrowed = v(4).toBuilder().scopes(ScopeSet.parse("billing:read")).build();
        assertThat(RecordMerge.restrictive(v(8), narrowed).scopes()).isEqualTo(ScopeSet.parse("billing:read"));
        KeyRecord other = v(4).toBuilder().scopes(ScopeSet.parse("reports:read", "admin:all")).build();
        assertThat(RecordMerge.restrictive(v(8), other).scopes()).isEqualTo(ScopeSet.parse("reports:read"));
        KeyRecord disjoint = v(4).toBuilder().scopes(ScopeSet.parse("admin:all")).build();
        assertThat(RecordMerge.restrictive(v(8), disjoint).scopes().isEmpty()).isTrue();
    }

    @Test
    void networksNarrowAndNeverBecomeAnywhere() {
        KeyRecord wide = v(3).toBuilder().allowedCidrs(List.of(Cidr.parse("10.0.0.0/8"))).build();
        KeyRecord narrow = v(4).toBuilder().allowedCidrs(List.of(Cidr.parse("10.1.0.0/16"))).build();
        assertThat(RecordMerge.restrictive(wide, narrow).allowedCidrs()).containsExactly(Cidr.parse("10.1.0.0/16"));
        assertThat(RecordMerge.restrictive(v(9), wide).allowedCidrs()).containsExactly(Cidr.parse("10.0.0.0/8"));
        KeyRecord elsewhere = v(4).toBuilder().allowedCidrs(List.of(Cidr.parse("192.168.0.0/16"))).build();
        KeyRecord m = RecordMerge.restrictive(wide, elsewhere);
        assertThat(m.allowedCidrs()).isNotEmpty();
        assertThat(m.status()).isEqualTo(KeyStatus.SUSPENDED);
    }

    @Test
    void limitsOfBothSidesQuotaAndCreditsTheSmaller() {
        KeyRecord a = v(5).toBuilder().rateLimitPolicy(RateLimitPolicy.parse("100/1s")).quota(Quota.parse("1000/day"))
                .credits(50L).build();
        KeyRecord b = v(4).toBuilder().rateLimitPolicy(RateLimitPolicy.parse("10000/1d")).quota(Quota.parse("100/day"))
                .credits(500L).build();
        KeyRecord m = RecordMerge.restrictive(a, b);
        assertThat(m.rateLimitPolicy()).isEqualTo(RateLimitPolicy.parse("100/1s, 10000/1d"));
        assertThat(m.quota()).isEqualTo(Quota.parse("100/day"));
        assertThat(m.credits()).isEqualTo(50L);
        assertThat(RecordMerge.restrictive(v(9), b).credits()).isEqualTo(500L);
    }

    @Test
    void rotationLinksLastUsedAndVersion() {
        String successor = KeyIds.newId();
        KeyRecord rotated = v(4).toBuilder().replacedBy(successor).lastUsed(T).build();
        KeyRecord used = v(7).toBuilder().lastUsed(T.plusSeconds(600)).build();
        KeyRecord m = RecordMerge.restrictive(used, rotated);
        assertThat(m.replacedBy()).isEqualTo(successor);
        assertThat(m.lastUsed()).isEqualTo(T.plusSeconds(600));
        assertThat(m.version()).isEqualTo(8);
    }

    @Test
    void onlyVersionsOfOneKeyMerge() {
        KeyRecord other = base.toBuilder().id(KeyIds.newId()).build();
        assertThatThrownBy(() -> RecordMerge.restrictive(base, other)).isInstanceOf(IllegalArgumentException.class);
    }
}
