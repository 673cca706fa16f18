package dev.apikey.events;

import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyRequest;
import dev.apikey.KeyUpdate;
import dev.apikey.MutableClock;
import dev.apikey.Outcome;
import dev.apikey.spi.LifecycleEvent;
import dev.apikey.spi.LifecycleEvent.Action;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The listener hears every change and notice of the key manager, and the expiry reminder reminds once. */
class KeyEventsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
    private final InMemoryKeyStore store = new InMemoryKeyStore();
    private final List<LifecycleEvent> heard = new ArrayList<>();
    private final KeyManager manager = KeyManager.builder(store).clock(clock)
            .auditSink(KeyEvents.auditSink(heard::add)).build();

    @Test
    void everyChangeReachesTheListenerWithIdsOnlyAndDecisionsDoNot() {
        var issued = manager.issue(KeyRequest.builder().owner("app").scopes("billing:read").build());
        String id = issued.record().id();
        manager.suspend(id);
        manager.resume(id);
        manager.update(id, KeyUpdate.builder().description("export").build());
        manager.recordLeak(id);
        String next = manager.rotate(id, Duration.ZERO).record().id();
        manager.revoke(next);

        assertThat(heard).extracting(LifecycleEvent::action).containsExactly(Action.ISSUE, Action.SUSPEND,
                Action.RESUME, Action.UPDATE, Action.LEAK, Action.ROTATE, Action.REVOKE, Action.REVOKE);
        assertThat(heard).allSatisfy(e -> assertThat(e.toLine()).doesNotContain(issued.key().reveal())
                .doesNotContain(issued.record().digest().encoded()));
        assertThat(KeyEvents.auditSink(heard::add).wants(Outcome.ALLOWED)).isFalse();
    }

    @Test
    void aListenerHearsOnlyTheActionsItAskedFor() {
        List<LifecycleEvent> revocations = new ArrayList<>();
        KeyManager m = KeyManager.builder(store).auditSink(KeyEvents.auditSink(revocations::add, Set.of(Action.REVOKE)))
                .build();
        String id = m.issue(KeyRequest.builder().owner("app").build()).record().id();
        m.suspend(id);
        m.revoke(id);
        assertThat(revocations).extracting(LifecycleEvent::action).containsExactly(Action.REVOKE);
    }

    @Test
    void theReminderReportsEachKeyExpiringWithinTheWarningOnceAndAgainWhenItsExpiryMoves() {
        KeyRecord soon = manager.issue(KeyRequest.builder().owner("a").expiresIn(Duration.ofDays(3)).build()).record();
        manager.issue(KeyRequest.builder().owner("b").expiresIn(Duration.ofDays(30)).build());
        manager.issue(KeyRequest.builder().owner("c").build());
        KeyRecord revoked = manager.issue(KeyRequest.builder().owner("d").expiresIn(Duration.ofDays(1)).build()).record();
        manager.revoke(revoked.id());
        heard.clear();
        ExpiryReminder reminder = new ExpiryReminder(store, KeyEvents.auditSink(heard::add), clock, Duration.ofDays(7));

        assertThat(reminder.check()).isEqualTo(1);
        assertThat(reminder.check()).isZero();
        assertThat(heard).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo(Action.EXPIRING);
            assertThat(e.target()).isEqualTo(soon.id());
            assertThat(e.actor()).isEqualTo(ExpiryReminder.ACTOR);
            assertThat(e.detail()).isEqualTo("expires=" + soon.expires());
        });

        clock.advance(Duration.ofDays(24));
        assertThat(reminder.check()).as("the 30-day key is now within 7 days; the 3-day key has expired").isEqualTo(1);
        manager.update(soon.id(), KeyUpdate.builder().expiresAt(clock.instant().plus(Duration.ofDays(2))).build());
        heard.clear();
        assertThat(reminder.check()).as("an expiry moved into the warning again").isEqualTo(1);
        assertThat(heard.get(0).target()).isEqualTo(soon.id());
    }
}
