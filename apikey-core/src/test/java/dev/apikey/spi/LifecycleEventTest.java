package dev.apikey.spi;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class LifecycleEventTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void lineHasNoDetailWhenThereIsNone() {
        LifecycleEvent e = new LifecycleEvent(NOW, LifecycleEvent.Action.REVOKE, "cli", "key_a", null);
        assertThat(e.detail()).isNull();
        assertThat(e.toLine()).isEqualTo("lifecycle time=2026-01-01T00:00:00Z action=revoke actor=cli target=key_a");
    }

    @Test
    void detailIsEscapedSoItCannotForgeALine() {
        LifecycleEvent e = new LifecycleEvent(NOW, LifecycleEvent.Action.UPDATE, "cli", "key_a", null,
                "fields=scopes\r\nlifecycle action=revoke");
        assertThat(e.toLine())
                .startsWith("lifecycle time=2026-01-01T00:00:00Z action=update actor=cli target=key_a detail=fields=scopes")
                .doesNotContain("\r").doesNotContain("\n");
    }
}
