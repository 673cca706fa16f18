package dev.apikey.spi;

import dev.apikey.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditSinkAllTest {
    private static final Instant NOW = Instant.parse("2026-02-01T00:00:00Z");

    private static AuditEvent decision(Outcome outcome) {
        return new AuditEvent(NOW, null, null, null, outcome, 401, "198.51.100.7", "GET", "/x", "", 1);
    }

    private static LifecycleEvent change() {
        return new LifecycleEvent(NOW, LifecycleEvent.Action.REVOKE, "application", "k1", null);
    }

    /** A sink that keeps what it gets, wanting only {@code wanted} (all when empty). */
    private static final class Keeping implements AuditSink {
        final List<Object> got = new ArrayList<>();
        final List<Outcome> wanted;

        Keeping(Outcome... wanted) {
            this.wanted = List.of(wanted);
        }

        @Override
        public void record(AuditEvent event) {
            got.add(event);
        }

        @Override
        public void lifecycle(LifecycleEvent event) {
            got.add(event);
        }

        @Override
        public boolean wants(Outcome outcome) {
            return wanted.isEmpty() || wanted.contains(outcome);
        }
    }

    private static final AuditSink BROKEN = new AuditSink() {
        @Override
        public void record(AuditEvent event) {
            throw new IllegalStateException("down");
        }

        @Override
        public void lifecycle(LifecycleEvent event) {
            throw new IllegalStateException("down");
        }
    };

    @Test
    void everySinkGetsEveryDecisionAndChange() {
        Keeping a = new Keeping();
        Keeping b = new Keeping();
        AuditSink all = AuditSink.all(a, b);
        AuditEvent d = decision(Outcome.REVOKED_KEY);
        LifecycleEvent c = change();
        all.record(d);
        all.lifecycle(c);
        assertThat(a.got).containsExactly(d, c);
        assertThat(b.got).containsExactly(d, c);
    }

    @Test
    void aFailingSinkNeitherStopsTheOthersNorThrows() {
        Keeping after = new Keeping();
        AuditSink all = AuditSink.all(BROKEN, after);
        assertThatCode(() -> {
            all.record(decision(Outcome.UNKNOWN_KEY));
            all.lifecycle(change());
        }).doesNotThrowAnyException();
        assertThat(after.got).hasSize(2);
    }

    @Test
    void aDecisionGoesOnlyToTheSinksThatWantItsOutcome() {
        Keeping rejections = new Keeping(Outcome.UNKNOWN_KEY);
        Keeping everything = new Keeping();
        AuditSink all = AuditSink.all(rejections, everything);
        all.record(decision(Outcome.ALLOWED));
        all.record(decision(Outcome.UNKNOWN_KEY));
        assertThat(rejections.got).extracting(e -> ((AuditEvent) e).outcome()).containsExactly(Outcome.UNKNOWN_KEY);
        assertThat(everything.got).hasSize(2);
    }

    @Test
    void theFanOutWantsWhatAnyOfItsSinksWants() {
        AuditSink all = AuditSink.all(new Keeping(Outcome.UNKNOWN_KEY), AuditSink.NONE);
        assertThat(all.wants(Outcome.UNKNOWN_KEY)).isTrue();
        assertThat(all.wants(Outcome.ALLOWED)).isFalse();
        assertThat(AuditSink.all(AuditSink.NONE, AuditSink.NONE).wants(Outcome.UNKNOWN_KEY)).isFalse();
    }

    @Test
    void noSinksIsNoneAndOneSinkIsItself() {
        Keeping one = new Keeping();
        assertThat(AuditSink.all()).isSameAs(AuditSink.NONE);
        assertThat(AuditSink.all(one)).isSameAs(one);
    }

    @Test
    void aNullSinkIsRefusedAtOnce() {
        assertThatThrownBy(() -> AuditSink.all(new Keeping(), null)).isInstanceOf(NullPointerException.class);
    }
}
