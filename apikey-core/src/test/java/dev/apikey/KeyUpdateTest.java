package dev.apikey;

import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.LifecycleEvent;
import dev.apikey.spi.LifecycleEvent.Action;
import dev.apikey.spi.LifecycleRecorder;
import dev.apikey.spi.VersionConflictException;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link KeyManager#update}: what changes, what is refused, what is audited, and that the verifier sees it at once. */
class KeyUpdateTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryKeyStore store = new InMemoryKeyStore();
    private final LifecycleRecorder recorder = new LifecycleRecorder();
    private final KeyManager manager = KeyManager.builder(store).clock(clock).auditSink(recorder).build();
    private final ApiKeyVerifier verifier = ApiKeyVerifier.builder(store).from(manager)
            .auditSink(e -> { }).lastUsedExecutor(Runnable::run).build();

    private IssuedKey issue(String... scopes) {
        IssuedKey k = manager.issue(KeyRequest.builder().owner("billing-app").scopes(scopes).rateLimit("100/1s")
                .label("plan", "gold").allowedCidrs("10.0.0.0/8").build());
        recorder.events.clear();
        return k;
    }

    private Outcome call(ApiKey key, String scope) {
        return verifier.verify(AccessRequest.builder()
                .headers(n -> n.equalsIgnoreCase("X-API-Key") ? List.of(key.reveal()) : List.of())
                .remoteAddress("10.1.2.3").requirement(ScopeRequirement.all(scope)).build()).outcome();
    }

    @Test
    void anUpdateChangesOnlyTheFieldsItSetsBumpsTheVersionAndIsAuditedWithTheirNames() {
        IssuedKey k = issue("billing:read");
        KeyRecord before = k.record();

        KeyRecord after = manager.update(before.id(), before.version(), KeyUpdate.builder()
                .scopes("reports:read").rateLimit(null).labels(Map.of("plan", "silver", "region", "eu"))
                .description("monthly reports").reviewAfter(LocalDate.of(2026, 6, 1))
                .expiresAt(Instant.parse("2026-12-31T00:00:00Z")).allowedCidrs(List.of()).build());

        assertThat(after.version()).isEqualTo(before.version() + 1);
        assertThat(after.scopes().names()).containsExactly("reports:read");
        assertThat(after.rateLimitPolicy()).isNull();
        assertThat(after.labels()).isEqualTo(Map.of("plan", "silver", "region", "eu"));
        assertThat(after.description()).isEqualTo("monthly reports");
        assertThat(after.reviewAfter()).isEqualTo(LocalDate.of(2026, 6, 1));
        assertThat(after.expires()).isEqualTo(Instant.parse("2026-12-31T00:00:00Z"));
        assertThat(after.allowedCidrs()).isEmpty();
        assertThat(after).usingRecursiveComparison()
                .ignoringFields("version", "scopes", "rateLimitPolicy", "labels", "description", "reviewAfter", "expires",
                        "allowedCidrs")
                .isEqualTo(before);
        assertThat(store.findById(before.id())).contains(after);
        assertThat(recorder.events).extracting(LifecycleEvent::action, LifecycleEvent::target, LifecycleEvent::detail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Action.UPDATE, before.id(),
                        "fields=scopes,rateLimit,labels,description,reviewAfter,expiresAt,allowedCidrs"));
    }

    @Test
    void theVerifierAnswersWithTheNewScopesAtOnce() {
        IssuedKey k = issue("billing:read");
        assertThat(call(k.key(), "billing:read")).isEqualTo(Outcome.ALLOWED);

        manager.update(k.record().id(), k.record().version(), KeyUpdate.builder().scopes("reports:read").build());

        assertThat(call(k.key(), "billing:read")).isEqualTo(Outcome.INSUFFICIENT_SCOPE);
        assertThat(call(k.key(), "reports:read")).isEqualTo(Outcome.ALLOWED);
    }

    @Test
    void aStaleVersionIsAConflictAndChangesNothing() {
        IssuedKey k = issue("billing:read");
        KeyRecord v1 = k.record();
        manager.update(v1.id(), v1.version(), KeyUpdate.builder().description("first").build());

        assertThatThrownBy(() -> manager.update(v1.id(), v1.version(), KeyUpdate.builder().description("second").build()))
                .isInstanceOf(VersionConflictException.class);

        assertThat(manager.get(v1.id()).orElseThrow().description()).isEqualTo("first");
        assertThat(recorder.events).hasSize(1);
        // Without a version, the update applies to whatever is current.
        assertThat(manager.update(v1.id(), KeyUpdate.builder().description("third").build()).description()).isEqualTo("third");
    }

    @Test
    void anActingKeyGrantsOnlyWhatItHoldsAndUpdatesOnlyKeysWithinItsScopes() {
        KeyRecord adminKey = manager.issue(KeyRequest.builder().owner("admin").scopes("apikeys:update", "billing:*")
                .build()).record();
        KeyManager admin = manager.actingAs(Actor.of(ApiKeyPrincipal.of(adminKey)));
        KeyRecord billing = issue("billing:read").record();
        KeyRecord root = issue("*").record();

        assertThat(admin.update(billing.id(), billing.version(), KeyUpdate.builder().scopes("billing:write").build())
                .scopes().names()).containsExactly("billing:write");
        assertThatThrownBy(() -> admin.update(billing.id(), KeyUpdate.builder().scopes("*").build()))
                .isInstanceOf(NotPermittedException.class).hasMessageContaining("[*]");
        assertThatThrownBy(() -> admin.update(root.id(), KeyUpdate.builder().scopes("billing:read").build()))
                .isInstanceOf(NotPermittedException.class);
        assertThatThrownBy(() -> admin.update(root.id(), KeyUpdate.builder().rateLimit("1000000/1s").build()))
                .isInstanceOf(NotPermittedException.class);
        assertThat(manager.get(root.id()).orElseThrow().scopes().names()).containsExactly("*");
    }

    @Test
    void revokedRotatedEmptyAndPastExpiryUpdatesAreRefused() {
        KeyRecord revoked = issue("billing:read").record();
        manager.revoke(revoked.id());
        assertThatThrownBy(() -> manager.update(revoked.id(), KeyUpdate.builder().description("x").build()))
                .isInstanceOf(KeyStateException.class).hasMessageContaining("revoked");

        KeyRecord rotated = issue("billing:read").record();
        manager.rotate(rotated.id(), Duration.ofHours(1));
        assertThatThrownBy(() -> manager.update(rotated.id(), KeyUpdate.builder()
                .expiresAt(Instant.parse("2030-01-01T00:00:00Z")).build()))
                .isInstanceOf(KeyStateException.class).hasMessageContaining("successor");

        KeyRecord live = issue("billing:read").record();
        assertThatThrownBy(() -> manager.update(live.id(), KeyUpdate.builder().build()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("changes nothing");
        assertThatThrownBy(() -> manager.update(live.id(), KeyUpdate.builder().expiresAt(clock.instant()).build()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("future");
        assertThatThrownBy(() -> KeyUpdate.builder().credits(0L)).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> KeyUpdate.builder().description("a\nb")).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> KeyUpdate.builder().rateLimit("lots")).isInstanceOf(InvalidConfigurationException.class);
        assertThat(manager.get(live.id()).orElseThrow()).isEqualTo(live);
        assertThat(manager.list(KeyQuery.all())).hasSize(4);
    }
}
