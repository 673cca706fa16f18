package dev.apikey.internal;

import dev.apikey.Environment;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyFormat;
import dev.apikey.Outcome;
import dev.apikey.Scope;
import dev.apikey.spi.AuditEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EscapingTest {
    private static final String KEY = KeyFormat.ofDefaults().generate(Environment.LIVE).reveal();

    @Test
    void controlCharactersBecomeVisibleEscapes() {
        assertThat(Escaping.escape("a\r\nb\t\"\\\u0001é", 64)).isEqualTo("a\\r\\nb\\t\\\"\\\\\\u0001\\u00e9");
        assertThat(Escaping.escape("abcdef", 3)).isEqualTo("abc...");
    }

    @Test
    void anythingShapedLikeAKeyIsRedactedButHintsAreKept() {
        String hint = KEY.substring(0, 8) + "\u2026" + KEY.substring(42);
        assertThat(Escaping.escape("/api/" + KEY + "/x", 256)).isEqualTo("/api/ak_live_[redacted]/x").doesNotContain(KEY.substring(8));
        assertThat(Escaping.escape(KEY + "," + KEY, 256)).isEqualTo("ak_live_[redacted],ak_live_[redacted]");
        assertThat(Escaping.escape(hint, 64)).isEqualTo("ak_live_\\u2026" + KEY.substring(42));
        assertThat(Escaping.escape("my_test_case", 64)).isEqualTo("my_test_case");
    }

    @Test
    void aKeyPastedIntoTheWrongFieldDoesNotReachTheMessage() {
        assertThatThrownBy(() -> Scope.parse(KEY)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageNotContaining(KEY.substring(8));
    }

    @Test
    void aKeyInTheRequestPathDoesNotReachTheAuditLine() {
        AuditEvent e = new AuditEvent(Instant.EPOCH, null, null, null, Outcome.MISSING_KEY, 401, "192.0.2.1", "GET",
                "/api/keys/" + KEY, "", 1000);
        assertThat(e.toLine()).doesNotContain(KEY.substring(8)).contains("/api/keys/ak_live_[redacted]");
    }
}
