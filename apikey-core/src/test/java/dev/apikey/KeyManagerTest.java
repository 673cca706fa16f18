package dev.apikey;

import dev.apikey.spi.KeyQuery;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyManagerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryKeyStore store = new InMemoryKeyStore();
    private final KeyManager manager = KeyManager.builder(store).clock(clock).build();
    private final ApiKeyVerifier verifier = ApiKeyVerifier.builder(store).from(manager)
            .auditSink(e -> { }).lastUsedExecutor(Runnable::run).build();

    private boolean works(ApiKey key) {
        return verifier.verify(AccessRequest.builder()
                .headers(n -> n.equalsIgnoreCase("X-API-Key") ? List.of(key.reveal()) : List.of())
                .remoteAddress("127.0.0.1").build()).isAllowed();
    }

    private IssuedKey issue() {
        return manager.issue(KeyRequest.builder().owner("billing-app").scopes("billing:read").build());
    }

    @Test
    void issueReturnsThePlaintextOnceAndStoresOnlyItsDigest() {
        IssuedKey k = issue();
        assertThat(k.record().digest()).isEqualTo(KeyHasher.sha256().digest(k.key()));
        assertThat(k.record().hint()).isEqualTo(k.key().hint());
        assertThat(k.record().toString()).doesNotContain(k.key().reveal()).doesNotContain(k.record().digest().encoded());
        assertThat(k.toString()).doesNotContain(k.key().reveal());
        assertThat(k.record().version()).isEqualTo(1);
        assertThat(manager.get(k.record().id())).contains(k.record());
        assertThat(works(k.key())).isTrue();
    }

    @Test
    void theDescriptionAndReviewDayAreStoredAtIssueAndCarriedToASuccessor() {
        IssuedKey k = manager.issue(KeyRequest.builder().owner("billing-app").scopes("billing:read")
                .description("nightly invoice export").reviewAfter(java.time.LocalDate.of(2026, 7, 1)).build());
        assertThat(store.findById(k.record().id()).orElseThrow().description()).isEqualTo("nightly invoice export");
        assertThat(k.record().reviewAfter()).isEqualTo(java.time.LocalDate.of(2026, 7, 1));

        KeyRecord successor = manager.rotate(k.record().id(), Duration.ofHours(1)).record();
        assertThat(successor.description()).isEqualTo("nightly invoice export");
        assertThat(successor.reviewAfter()).isEqualTo(k.record().reviewAfter());
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "line\nbreak", "right\u202Eleft", "\u0000"})
    void aDescriptionThatIsBlankOrHoldsControlCharactersIsRefusedAtOnce(String bad) {
        assertThatThrownBy(() -> KeyRequest.builder().description(bad)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("description");
        assertThatThrownBy(() -> KeyRequest.builder().description("x".repeat(KeyRecord.MAX_DESCRIPTION + 1)))
                .hasMessageContaining("at most " + KeyRecord.MAX_DESCRIPTION);
    }

    @Test
    void keysWithEqualPoliciesAndScopesShareOneInstanceOfEach() {
        KeyRecord a = manager.issue(KeyRequest.builder().owner("o").scopes("a:b").rateLimit("10/1s burst 5").build()).record();
        KeyRecord b = manager.issue(KeyRequest.builder().owner("o").scopes("a:b").rateLimit("10/1s burst 5").build()).record();
        KeyRecord c = manager.issue(KeyRequest.builder().owner("o").scopes("a:b").rateLimit("10/1s").build()).record();
        assertThat(b.rateLimitPolicy()).isSameAs(a.rateLimitPolicy());
        assertThat(b.scopes()).isSameAs(a.scopes());
        assertThat(c.rateLimitPolicy()).isNotEqualTo(a.rateLimitPolicy());
        // A copy built from a record (as stores do when they decode one) shares them too.
        KeyRecord copy = b.toBuilder().rateLimitPolicy(RateLimitPolicy.parse("10/1s burst 5")).build();
        assertThat(copy.rateLimitPolicy()).isSameAs(a.rateLimitPolicy());
    }

    @Test
    void bothKeysWorkDuringTheGracePeriodAndOnlyTheNewOneAfter() {
        IssuedKey old = issue();
        IssuedKey next = manager.rotate(old.record().id(), Duration.ofHours(1));
        assertThat(next.record().replaces()).isEqualTo(old.record().id());
        assertThat(manager.get(old.record().id()).orElseThrow().replacedBy()).isEqualTo(next.record().id());
        assertThat(next.record().scopes()).isEqualTo(old.record().scopes());
        assertThat(next.record().owner()).isEqualTo("billing-app");

        clock.advance(Duration.ofMinutes(59));
        assertThat(works(old.key())).isTrue();
        assertThat(works(next.key())).isTrue();

        clock.advance(Duration.ofMinutes(1));
        assertThat(works(old.key())).isFalse();
        assertThat(works(next.key())).isTrue();
    }

    @Test
    void zeroGraceEndsTheOldKeyAtOnce() {
        IssuedKey old = issue();
        IssuedKey next = manager.rotate(old.record().id(), Duration.ZERO);
        assertThat(works(old.key())).isFalse();
        assertThat(works(next.key())).isTrue();
    }

    @Test
    void graceNeverOutlastsTheOldKeysOwnExpiry() {
        IssuedKey old = manager.issue(KeyRequest.builder().owner("a").expiresIn(Duration.ofMinutes(10)).build());
        manager.rotate(old.record().id(), Duration.ofDays(7));
        assertThat(manager.get(old.record().id()).orElseThrow().expires())
                .isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
        clock.advance(Duration.ofMinutes(10));
        assertThat(works(old.key())).isFalse();
    }

    @Test
    void revokeIsATombstoneAndCannotBeUndone() {
        IssuedKey k = issue();
        KeyRecord revoked = manager.revoke(k.record().id());
        assertThat(revoked.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(manager.get(k.record().id())).get().extracting(KeyRecord::status).isEqualTo(KeyStatus.REVOKED);
        assertThat(manager.revoke(k.record().id()).version()).isEqualTo(revoked.version());
        assertThatThrownBy(() -> manager.resume(k.record().id())).isInstanceOf(KeyStateException.class);
        assertThatThrownBy(() -> manager.rotate(k.record().id(), Duration.ZERO)).isInstanceOf(KeyStateException.class);
        assertThat(works(k.key())).isFalse();
    }

    @Test
    void suspendAndResumeAreReversible() {
        IssuedKey k = issue();
        manager.suspend(k.record().id());
        assertThat(works(k.key())).isFalse();
        manager.resume(k.record().id());
        assertThat(works(k.key())).isTrue();
    }

    @Test
    void listFiltersByOwnerAndTenant() {
        manager.issue(KeyRequest.builder().owner("a").tenant("t1").build());
        manager.issue(KeyRequest.builder().owner("a").build());
        manager.issue(KeyRequest.builder().owner("b").tenant("t1").build());
        assertThat(manager.list(KeyQuery.all())).hasSize(3);
        assertThat(manager.list(KeyQuery.byOwner("a"))).hasSize(2);
        assertThat(manager.list(KeyQuery.byTenant("t1"))).hasSize(2);
    }

    @Test
    void badInputsFailWithMessagesNamingTheField() {
        assertThatThrownBy(() -> KeyRequest.builder().build()).hasMessageContaining("owner");
        assertThatThrownBy(() -> KeyRequest.builder().owner("a\nb")).hasMessageContaining("owner").hasMessageContaining("control");
        assertThatThrownBy(() -> KeyRequest.builder().owner("a").scopes("billing")).hasMessageContaining("resource:action");
        assertThatThrownBy(() -> KeyRequest.builder().owner("a").scopes("bil ling:read")).hasMessageContaining("scope");
        assertThatThrownBy(() -> KeyRequest.builder().owner("a").rateLimit("100 per second")).hasMessageContaining("N/period");
        assertThatThrownBy(() -> KeyRequest.builder().owner("a").quota("5/week")).hasMessageContaining("N/day");
        assertThatThrownBy(() -> KeyRequest.builder().owner("a").allowedCidrs("10.0.0.0/33")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> KeyRequest.builder().owner("a").allowedCidrs("example.com")).hasMessageContaining("literal");
        assertThatThrownBy(() -> KeyRequest.builder().owner("a").expiresIn(Duration.ofSeconds(-1))).hasMessageContaining("expiresIn");
        assertThatThrownBy(() -> manager.rotate("key_x", Duration.ofSeconds(-1))).hasMessageContaining("gracePeriod");
        assertThatThrownBy(() -> manager.revoke("key_doesnotexist")).isInstanceOf(KeyNotFoundException.class);
        assertThatThrownBy(() -> manager.issue(KeyRequest.builder().owner("a")
                .expiresAt(clock.instant().minusSeconds(1)).build())).hasMessageContaining("future");
    }

    @Test
    void policiesHaveATextFormThatReadsBack() {
        RateLimitPolicy p = RateLimitPolicy.parse("100/1s burst 20, 10000/1d");
        assertThat(p.limits()).containsExactly(new RateLimit(100, Duration.ofSeconds(1), 20),
                RateLimit.of(10_000, Duration.ofDays(1)));
        assertThat(p.toString()).isEqualTo("100/1s burst 20, 10000/1d");
        assertThat(RateLimitPolicy.parse(p.toString())).isEqualTo(p);
        assertThat(RateLimit.parse("5/m")).isEqualTo(RateLimit.of(5, Duration.ofMinutes(1)));
        assertThat(Quota.parse("1000/day")).isEqualTo(new Quota(1000, Quota.Period.DAY));
        assertThat(Quota.parse("1000/day").toString()).isEqualTo("1000/day");
        assertThatThrownBy(() -> RateLimit.parse("10/1s burst 11")).hasMessageContaining("burst");
    }

    @Test
    void revokingASuccessorAlsoRevokesEveryPredecessorStillInItsGrace() {
        IssuedKey first = issue();
        IssuedKey second = manager.rotate(first.record().id(), Duration.ofHours(2));
        clock.advance(Duration.ofMinutes(10));
        IssuedKey third = manager.rotate(second.record().id(), Duration.ofHours(1));
        assertThat(works(first.key())).isTrue();
        assertThat(works(second.key())).isTrue();

        KeyRecord revoked = manager.revoke(third.record().id());

        assertThat(revoked.id()).isEqualTo(third.record().id());
        assertThat(revoked.status()).isEqualTo(KeyStatus.REVOKED);
        for (IssuedKey k : List.of(first, second, third)) {
            assertThat(works(k.key())).as(k.record().id()).isFalse();
            assertThat(manager.get(k.record().id()).orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
        }
    }

    @Test
    void revokingASuccessorRevokesAPredecessorBeyondOneWhoseGraceEnded() {
        IssuedKey first = issue();
        IssuedKey second = manager.rotate(first.record().id(), Duration.ofDays(7));
        IssuedKey third = manager.rotate(second.record().id(), Duration.ZERO);
        assertThat(works(first.key())).as("first, in its grace").isTrue();
        assertThat(works(second.key())).as("second, grace zero").isFalse();

        manager.revoke(third.record().id());

        assertThat(works(first.key())).isFalse();
        assertThat(manager.get(first.record().id()).orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
    }

    @Test
    void revokingAPredecessorLeavesItsSuccessorWorking() {
        IssuedKey first = issue();
        IssuedKey second = manager.rotate(first.record().id(), Duration.ofHours(1));

        manager.revoke(first.record().id());

        assertThat(works(first.key())).isFalse();
        assertThat(works(second.key())).isTrue();
    }

    @Test
    void gracePeriodsAreCappedAtSevenDaysByDefault() {
        IssuedKey k = issue();

        assertThatThrownBy(() -> manager.rotate(k.record().id(), Duration.ofDays(36500)))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("gracePeriod").hasMessageContaining("PT168H");
        assertThatThrownBy(() -> manager.rotate(k.record().id(), Duration.ofDays(7).plusNanos(1)))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThat(manager.get(k.record().id()).orElseThrow().replacedBy()).isNull();
        assertThat(manager.rotate(k.record().id(), Duration.ofDays(7)).record().replaces()).isEqualTo(k.record().id());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069",
            "\u200E", "\u200F", "\u061C", "\uD800", "\uDFFF"})
    void namesWithBidiControlsOrLoneSurrogatesAreRefusedOnEveryPath(String c) {
        String name = "ops" + c + "exe";
        assertThatThrownBy(() -> KeyRequest.builder().owner(name)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("owner");
        assertThatThrownBy(() -> KeyRequest.builder().owner("a").tenant(name)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("tenant");
        KeyRecord.Builder stored = issue().record().toBuilder();
        assertThatThrownBy(() -> stored.owner(name).build()).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> manager.issue(KeyRequest.builder().owner("a").label(name, "v").build()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("label");
        assertThatThrownBy(() -> manager.issue(KeyRequest.builder().owner("a").label("team", name).build()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("label");
    }

    @Test
    void namesMayHoldPairedSurrogatesAndOtherScripts() {
        KeyRecord r = manager.issue(KeyRequest.builder().owner("\uD83D\uDE80 Zürich ☃ مرحبا").tenant("東京")
                .label("team", "\uD83D\uDE80").build()).record();
        assertThat(r.owner()).isEqualTo("\uD83D\uDE80 Zürich ☃ مرحبا");
    }
}
