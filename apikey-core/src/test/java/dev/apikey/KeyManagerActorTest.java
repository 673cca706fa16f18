package dev.apikey;

import dev.apikey.spi.AuditEvent;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.LifecycleEvent;
import dev.apikey.spi.LifecycleRecorder;
import dev.apikey.spi.LifecycleEvent.Action;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What an actor may do through {@link KeyManager#actingAs}, and the audit trail of what it did. */
class KeyManagerActorTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryKeyStore store = new InMemoryKeyStore();
    private final LifecycleRecorder recorder = new LifecycleRecorder();
    private final List<LifecycleEvent> events = recorder.events;
    private final KeyManager manager = KeyManager.builder(store).clock(clock).auditSink(recorder).build();

    private KeyManager as(String tenant, String... scopes) {
        KeyRecord admin = manager.issue(KeyRequest.builder().owner("admin").tenant(tenant).scopes(scopes).build()).record();
        events.clear();
        return manager.actingAs(Actor.of(ApiKeyPrincipal.of(admin)));
    }

    private KeyRecord issue(String tenant, String... scopes) {
        KeyRecord r = manager.issue(KeyRequest.builder().owner("app").tenant(tenant).scopes(scopes).build()).record();
        events.clear();
        return r;
    }

    @ParameterizedTest(name = "holding {0}, granting {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            billing:*                | billing:read          | true
            billing:*                | billing:*             | true
            billing:*                | billing:invoices:*    | true
            billing:*                | *                     | false
            billing:*                | reports:read          | false
            billing:*                | billing               | false
            billing:read             | billing:*             | false
            billing:read             | billing:read          | true
            billing:read             | billing:read:x        | false
            billing:invoices:*       | billing:*             | false
            apikeys:admin            | apikeys:*             | false
            *                        | *                     | true
            *                        | anything:at:all       | true
            """)
    void anActorGrantsOnlyWhatItsOwnScopesCoverWithTheVerifiersWildcardRules(String held, String granted, boolean allowed) {
        KeyManager admin = as(null, "apikeys:admin", held);
        KeyRequest request;
        try {
            request = KeyRequest.builder().owner("x").scopes(granted).build();
        } catch (InvalidConfigurationException notAScope) {
            assertThat(allowed).isFalse();
            return;
        }

        if (allowed) {
            assertThat(admin.issue(request).record().scopes()).isEqualTo(ScopeSet.parse(granted));
        } else {
            assertThatThrownBy(() -> admin.issue(request)).isInstanceOf(NotPermittedException.class)
                    .hasMessageContaining(granted).hasMessageContaining("does not hold");
            assertThat(manager.list(KeyQuery.byOwner("x"))).isEmpty();
            assertThat(events).extracting(LifecycleEvent::action).containsExactly(Action.DENIED);
        }
    }

    @Test
    void rotatingOrResumingAKeyNeedsItsScopesButRevokingAndSuspendingDoNot() {
        KeyManager admin = as(null, "apikeys:admin", "billing:*");
        KeyRecord root = issue(null, "*", "billing:read");

        assertThatThrownBy(() -> admin.rotate(root.id(), Duration.ZERO)).isInstanceOf(NotPermittedException.class)
                .hasMessageContaining("[*]");
        assertThat(manager.get(root.id()).orElseThrow().replacedBy()).isNull();
        admin.suspend(root.id());
        assertThatThrownBy(() -> admin.resume(root.id())).isInstanceOf(NotPermittedException.class);
        assertThat(manager.get(root.id()).orElseThrow().status()).isEqualTo(KeyStatus.SUSPENDED);
        admin.revoke(root.id());
        assertThat(manager.get(root.id()).orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
    }

    @Test
    void aTenantBoundActorSeesAndChangesOnlyItsTenantsKeys() {
        KeyManager acme = as("acme", "apikeys:admin", "*");
        KeyRecord own = issue("acme", "billing:read");
        KeyRecord other = issue("globex", "billing:read");
        KeyRecord shared = issue(null, "billing:read");

        assertThat(acme.list(KeyQuery.all())).extracting(KeyRecord::tenant).containsOnly("acme");
        assertThat(acme.list(KeyQuery.all())).extracting(KeyRecord::id).contains(own.id());
        assertThat(acme.list(KeyQuery.byTenant("globex"))).isEmpty();
        assertThat(acme.list(KeyQuery.byOwner("app"))).extracting(KeyRecord::id).containsExactly(own.id());
        assertThat(acme.get(own.id())).isPresent();
        for (KeyRecord hidden : List.of(other, shared)) {
            String id = hidden.id();
            assertThat(acme.get(id)).isEmpty();
            assertThatThrownBy(() -> acme.revoke(id)).isInstanceOf(KeyNotFoundException.class);
            assertThatThrownBy(() -> acme.suspend(id)).isInstanceOf(KeyNotFoundException.class);
            assertThatThrownBy(() -> acme.resume(id)).isInstanceOf(KeyNotFoundException.class);
            assertThatThrownBy(() -> acme.rotate(id, Duration.ZERO)).isInstanceOf(KeyNotFoundException.class);
            assertThatThrownBy(() -> acme.update(id, KeyUpdate.builder().description("x").build()))
                    .isInstanceOf(KeyNotFoundException.class);
            assertThat(manager.get(id)).contains(hidden);
        }
        // Nothing changed, and every refused attempt on another tenant's key is in the audit trail.
        assertThat(events).extracting(LifecycleEvent::action).containsOnly(Action.DENIED);
        assertThat(events).extracting(LifecycleEvent::detail).containsExactly(
                "action=read reason=tenant", "action=revoke reason=tenant", "action=suspend reason=tenant",
                "action=resume reason=tenant", "action=rotate reason=tenant", "action=update reason=tenant",
                "action=read reason=tenant", "action=revoke reason=tenant", "action=suspend reason=tenant",
                "action=resume reason=tenant", "action=rotate reason=tenant", "action=update reason=tenant");
        assertThat(events).extracting(LifecycleEvent::target)
                .containsOnly(other.id(), shared.id()).allMatch(t -> !t.equals(own.id()));
        assertThat(manager.list(KeyQuery.all())).hasSize(4);
    }

    @Test
    void refusedGrantsAreAuditedAsDeniedAndChangeNothing() {
        KeyManager admin = as(null, "apikeys:admin", "billing:read");
        KeyRecord root = issue(null, "*");

        assertThatThrownBy(() -> admin.issue(KeyRequest.builder().owner("a").scopes("reports:read").build()))
                .isInstanceOf(NotPermittedException.class);
        assertThatThrownBy(() -> admin.resume(root.id())).isInstanceOf(NotPermittedException.class);
        assertThatThrownBy(() -> admin.update(root.id(), KeyUpdate.builder().description("x").build()))
                .isInstanceOf(NotPermittedException.class);

        assertThat(events).extracting(LifecycleEvent::action, LifecycleEvent::target, LifecycleEvent::detail)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Action.DENIED, "-", "action=issue"),
                        org.assertj.core.groups.Tuple.tuple(Action.DENIED, root.id(), "action=resume reason=scopes"),
                        org.assertj.core.groups.Tuple.tuple(Action.DENIED, root.id(), "action=update reason=scopes"));
        assertThat(events).extracting(LifecycleEvent::actor).containsOnly(admin.actor().id());
        assertThat(manager.list(KeyQuery.all())).hasSize(2);
    }

    @Test
    void aTenantBoundActorIssuesIntoItsTenantOnly() {
        KeyManager acme = as("acme", "apikeys:admin", "billing:*");

        assertThat(acme.issue(KeyRequest.builder().owner("a").scopes("billing:read").build()).record().tenant()).isEqualTo("acme");
        assertThat(acme.issue(KeyRequest.builder().owner("a").tenant("acme").build()).record().tenant()).isEqualTo("acme");
        assertThatThrownBy(() -> acme.issue(KeyRequest.builder().owner("a").tenant("globex").build()))
                .isInstanceOf(NotPermittedException.class).hasMessageContaining("tenant");
        KeyManager deploymentWide = as(null, "apikeys:admin");
        assertThat(deploymentWide.issue(KeyRequest.builder().owner("a").tenant("globex").build()).record().tenant())
                .isEqualTo("globex");
    }

    @Test
    void everyChangeIsAuditedOnceWithTheActorAndTheTargetAndNoOpsAreNot() {
        KeyManager admin = as(null, "apikeys:admin", "billing:*");
        String adminId = admin.actor().id();

        KeyRecord first = admin.issue(KeyRequest.builder().owner("a").scopes("billing:read").build()).record();
        KeyRecord second = admin.rotate(first.id(), Duration.ofHours(1)).record();
        admin.suspend(second.id());
        admin.suspend(second.id());
        admin.resume(second.id());
        admin.resume(second.id());
        admin.revoke(second.id());
        admin.revoke(second.id());

        assertThat(events).extracting(LifecycleEvent::action, LifecycleEvent::actor, LifecycleEvent::target,
                LifecycleEvent::successor).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Action.ISSUE, adminId, first.id(), null),
                org.assertj.core.groups.Tuple.tuple(Action.ROTATE, adminId, first.id(), second.id()),
                org.assertj.core.groups.Tuple.tuple(Action.SUSPEND, adminId, second.id(), null),
                org.assertj.core.groups.Tuple.tuple(Action.RESUME, adminId, second.id(), null),
                org.assertj.core.groups.Tuple.tuple(Action.REVOKE, adminId, second.id(), null),
                org.assertj.core.groups.Tuple.tuple(Action.REVOKE, adminId, first.id(), second.id()));
        assertThat(events).allSatisfy(e -> assertThat(e.time()).isEqualTo(clock.instant()));
        assertThat(events.get(1).toLine()).isEqualTo("lifecycle time=2026-01-01T00:00:00Z action=rotate actor=" + adminId
                + " target=" + first.id() + " successor=" + second.id());
    }

    @Test
    void changesWithoutAnActingKeyAreAuditedUnderTheActorsName() {
        KeyRecord r = manager.issue(KeyRequest.builder().owner("a").build()).record();
        manager.actingAs(Actor.named("cli")).revoke(r.id());

        assertThat(events).extracting(LifecycleEvent::actor).containsExactly("application", "cli");
        assertThatThrownBy(() -> Actor.named("key_AAAAAAAAAAAAAAAAAAAA")).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> Actor.named("cli\nactor=key_x")).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> Actor.named("")).isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void aFailingAuditSinkNeitherUndoesNorBlocksTheChange() {
        KeyManager failing = KeyManager.builder(store).clock(clock).auditSink(new AuditSink() {
            @Override
            public void record(AuditEvent event) {
            }

            @Override
            public void lifecycle(LifecycleEvent event) {
                throw new IllegalStateException("sink down");
            }
        }).build();

        KeyRecord r = failing.issue(KeyRequest.builder().owner("a").build()).record();

        assertThat(failing.revoke(r.id()).status()).isEqualTo(KeyStatus.REVOKED);
    }

    @Test
    void theGraceCapIsConfigurableOnTheBuilder() {
        KeyManager strict = KeyManager.builder(store).clock(clock).maxGracePeriod(Duration.ofHours(1)).build();
        KeyRecord r = strict.issue(KeyRequest.builder().owner("a").build()).record();

        assertThatThrownBy(() -> strict.rotate(r.id(), Duration.ofMinutes(61))).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("at most PT1H");
        assertThat(strict.actingAs(Actor.named("cli")).maxGracePeriod()).isEqualTo(Duration.ofHours(1));
        assertThat(strict.rotate(r.id(), Duration.ofHours(1)).record().replaces()).isEqualTo(r.id());
        assertThat(KeyManager.builder(store).maxGracePeriod(Duration.ofDays(30)).build().maxGracePeriod()).isEqualTo(Duration.ofDays(30));
        assertThatThrownBy(() -> KeyManager.builder(store).maxGracePeriod(Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("maxGracePeriod");
    }
}
