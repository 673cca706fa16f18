package dev.apikey.review;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import dev.apikey.MutableClock;
import dev.apikey.ScopeSet;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.TestRecords;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyReviewTest {
    /** 2025-06-01, 137 days after {@link TestRecords#CREATED}. */
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private final MutableClock clock = new MutableClock(NOW);
    private final KeyReview review = KeyReview.custom().clock(clock).build();

    /** A key that draws no finding at the default settings: the baseline each test changes one thing of. */
    private static KeyRecord.Builder clean() {
        return TestRecords.builder().description("invoice export").lastUsed(NOW.minus(Duration.ofDays(1)))
                .expires(NOW.plus(Duration.ofDays(200)));
    }

    private Map<Finding, String> findings(KeyRecord r) {
        return review.check(r, clock.instant()).findings();
    }

    @Test
    void aWellKeptKeyHasNoFinding() {
        assertThat(findings(clean().build())).isEmpty();
    }

    @Test
    void aKeyNeverUsedSinceItWasIssuedLongerThanTheUnusedPeriodIsNeverUsed() {
        KeyRecord r = clean().lastUsed(null).build();
        assertThat(findings(r)).containsOnlyKeys(Finding.NEVER_USED);
        assertThat(findings(r).get(Finding.NEVER_USED)).contains("137 days");
    }

    @Test
    void aFreshKeyNotYetUsedIsNotReported() {
        KeyRecord r = clean().lastUsed(null).created(NOW.minus(Duration.ofDays(89))).build();
        assertThat(findings(r)).isEmpty();
        clock.advance(Duration.ofDays(1));
        assertThat(findings(r)).containsOnlyKeys(Finding.NEVER_USED);
    }

    @Test
    void aKeyLastUsedBeforeTheUnusedPeriodIsUnused() {
        KeyRecord r = clean().lastUsed(NOW.minus(Duration.ofDays(91))).build();
        assertThat(findings(r)).containsOnlyKeys(Finding.UNUSED);
        assertThat(findings(r).get(Finding.UNUSED)).startsWith("last used 91 days ago");
        assertThat(KeyReview.custom().clock(clock).unusedDays(120).build().check(r, NOW).findings()).isEmpty();
    }

    @Test
    void aKeyWithoutExpiryIsReported() {
        assertThat(findings(clean().expires(null).build())).containsOnlyKeys(Finding.NO_EXPIRY);
    }

    @Test
    void aKeyExpiringWithinTheExpiringPeriodIsReported() {
        KeyRecord r = clean().expires(NOW.plus(Duration.ofDays(10))).build();
        assertThat(findings(r)).containsOnlyKeys(Finding.EXPIRING);
        assertThat(findings(r).get(Finding.EXPIRING)).startsWith("expires in 10 days");
        assertThat(KeyReview.custom().clock(clock).expiringDays(7).build().check(r, NOW).findings()).isEmpty();
    }

    @Test
    void aKeyWhoseReviewDayHasComeIsDue() {
        KeyRecord r = clean().reviewAfter(LocalDate.of(2025, 6, 2)).build();
        assertThat(findings(r)).isEmpty();
        clock.set(Instant.parse("2025-06-02T00:00:00Z"));
        assertThat(findings(r)).containsOnlyKeys(Finding.REVIEW_DUE);
    }

    @Test
    void aPlaceholderOwnerIsNoOwner() {
        assertThat(findings(clean().owner("Unknown").build())).containsOnlyKeys(Finding.NO_OWNER);
        KeyReview custom = KeyReview.custom().clock(clock).placeholderOwners(java.util.Set.of("legacy")).build();
        assertThat(custom.check(clean().owner("LEGACY").build(), NOW).findings()).containsOnlyKeys(Finding.NO_OWNER);
        assertThat(custom.check(clean().owner("unknown").build(), NOW).findings()).isEmpty();
    }

    @Test
    void aKeyWithoutDescriptionHasNoPurpose() {
        assertThat(findings(clean().description(null).build())).containsOnlyKeys(Finding.NO_PURPOSE);
    }

    @Test
    void wildcardScopesAreNamed() {
        KeyRecord r = clean().scopes(ScopeSet.parse("billing:read", "reports:*", "*")).build();
        assertThat(findings(r)).containsOnlyKeys(Finding.WILDCARD_SCOPE);
        assertThat(findings(r).get(Finding.WILDCARD_SCOPE)).isEqualTo("holds *, reports:*");
    }

    @Test
    void aRotatedKeyStillInItsGracePeriodIsInGraceNotExpiring() {
        KeyRecord r = clean().replacedBy("key_successor").expires(NOW.plus(Duration.ofDays(2))).build();
        assertThat(findings(r)).containsOnlyKeys(Finding.IN_GRACE);
        assertThat(findings(r).get(Finding.IN_GRACE)).contains("key_successor");
    }

    @Test
    void revokedAndExpiredKeysAreNotReviewedButSuspendedAndNotYetValidOnesAre() {
        KeyRecord.Builder neglected = clean().description(null).expires(null).lastUsed(null);
        assertThat(findings(neglected.status(KeyStatus.REVOKED).build())).isEmpty();
        assertThat(findings(clean().description(null).expires(NOW).build())).isEmpty();
        assertThat(findings(neglected.status(KeyStatus.SUSPENDED).build()))
                .containsOnlyKeys(Finding.NEVER_USED, Finding.NO_EXPIRY, Finding.NO_PURPOSE);
        // Not valid before tomorrow: it could not have been used, so it is not "never used" yet.
        assertThat(findings(neglected.status(KeyStatus.ACTIVE).notBefore(NOW.plus(Duration.ofDays(1))).build()))
                .containsOnlyKeys(Finding.NO_EXPIRY, Finding.NO_PURPOSE);
    }

    @Test
    void aWalkReadsBoundedPagesSeesEveryKeyOnceAndCounts() {
        InMemoryKeyStore store = new InMemoryKeyStore();
        int total = KeyReview.PAGE_SIZE * 2 + 7;
        for (int i = 0; i < total; i++) {
            store.create(i % 3 == 0 ? clean().description(null).build() : clean().build());
        }
        List<KeyQuery> asked = new ArrayList<>();
        List<String> flagged = new ArrayList<>();

        KeyReview.Summary s = review.walk(q -> {
            asked.add(q);
            return store.list(q);
        }, KeyQuery.all(), f -> flagged.add(f.key().id()));

        assertThat(asked).hasSize(3).allSatisfy(q -> assertThat(q.limit()).isEqualTo(KeyReview.PAGE_SIZE));
        assertThat(s.reviewed()).isEqualTo(total);
        assertThat(s.flagged()).isEqualTo(flagged.size()).isEqualTo((total + 2) / 3);
        assertThat(flagged).doesNotHaveDuplicates().isSorted();
        assertThat(s.counts()).containsExactly(Map.entry(Finding.NO_PURPOSE, (total + 2) / 3));
        assertThat(s.at()).isEqualTo(NOW);
    }

    @Test
    void aPageSaysWhereTheNextStartsUntilOneComesBackShort() {
        InMemoryKeyStore store = new InMemoryKeyStore();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(store.create(clean().description(null).build()).id());
        }
        ids.sort(null);
        KeyReview.Page first = review.page(store::list, KeyQuery.all().limit(2), NOW);
        assertThat(first.reviewed()).isEqualTo(2);
        assertThat(first.next()).isEqualTo(ids.get(1));
        KeyReview.Page last = review.page(store::list, KeyQuery.all().limit(2).after(first.next()), NOW);
        assertThat(last.keys()).extracting(f -> f.key().id()).containsExactly(ids.get(2));
        assertThat(last.next()).isNull();
        assertThatThrownBy(() -> review.page(store::list, KeyQuery.all(), NOW)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void findingListsParseTokensOrAnyAndNameWhatIsUnknown() {
        assertThat(Finding.parseList("any")).isEqualTo(EnumSet.allOf(Finding.class));
        assertThat(Finding.parseList("never-used, NO-EXPIRY")).containsExactly(Finding.NEVER_USED, Finding.NO_EXPIRY);
        assertThatThrownBy(() -> Finding.parseList("unused,stale")).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("'stale'").hasMessageContaining("in-grace");
        assertThatThrownBy(() -> KeyReview.custom().unusedDays(0)).hasMessageContaining("unusedDays");
    }

    @Test
    void theJsonOfAFindingNamesTheKeyAndFindingsButNeverTheDigest() {
        KeyRecord r = clean().description(null).build();
        Map<String, Object> json = review.check(r, NOW).toJson();
        assertThat(json).containsEntry("id", r.id()).doesNotContainKey("digest");
        assertThat(json.values()).doesNotContain(r.digest().encoded());
        assertThat(json.get("findings")).isEqualTo(List.of(Map.of("finding", "no-purpose",
                "detail", "no description of what the key is for")));
    }
}
