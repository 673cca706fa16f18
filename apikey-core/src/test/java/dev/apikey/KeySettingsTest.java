package dev.apikey;

import dev.apikey.spi.AuditSink;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeySettingsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-02-01T00:00:00Z"));
    private final KeySettings settings = KeySettings.custom().format(KeyFormat.withPrefix("acme"))
            .hasher(KeyHasher.hmac(new Pepper(1, pepper()))).clock(clock).build();

    private static byte[] pepper() {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) 7);
        return b;
    }

    private static Decision verify(ApiKeyVerifier v, String key) {
        return v.verify(AccessRequest.builder().remoteAddress("198.51.100.7").method("GET").path("/x")
                .headers(n -> n.equalsIgnoreCase("X-API-Key") ? List.of(key) : List.of()).build());
    }

    @Test
    void aManagerAndAVerifierBuiltFromOneValueAgreeOnFormatHasherAndClock() {
        InMemoryKeyStore store = new InMemoryKeyStore();
        KeyManager manager = KeyManager.builder(store).settings(settings).auditSink(AuditSink.NONE).build();
        String key = manager.issue(KeyRequest.builder().owner("app").expiresAt(clock.instant().plus(Duration.ofHours(1)))
                .build()).key().reveal();
        try (ApiKeyVerifier v = ApiKeyVerifier.builder(store).settings(manager.settings()).auditSink(AuditSink.NONE)
                .lastUsedExecutor(Runnable::run).build()) {
            assertThat(key).startsWith("acme_");
            assertThat(verify(v, key).isAllowed()).isTrue();
            clock.advance(Duration.ofHours(2));
            assertThat(verify(v, key).outcome()).isEqualTo(Outcome.EXPIRED_KEY);
        }
    }

    @Test
    void theVerifierTakesTheManagersSettingsThroughFrom() {
        InMemoryKeyStore store = new InMemoryKeyStore();
        KeyManager manager = KeyManager.builder(store).settings(settings).build();
        try (ApiKeyVerifier v = ApiKeyVerifier.builder(store).from(manager).build()) {
            assertThat(v.format()).isSameAs(settings.format());
            assertThat(v.hasher()).isSameAs(settings.hasher());
            assertThat(v.clock()).isSameAs(clock);
        }
    }

    @Test
    void fromCopiesThePrototypeAndLeavesItUnchanged() {
        KeySettings copy = KeySettings.from(settings).clock(Clock.systemUTC()).build();
        assertThat(copy.format()).isSameAs(settings.format());
        assertThat(copy.hasher()).isSameAs(settings.hasher());
        assertThat(copy.clock()).isEqualTo(Clock.systemUTC());
        assertThat(settings.clock()).isSameAs(clock);
    }

    @Test
    void theDefaultsArePrefixAkSha256AndTheSystemClock() {
        KeySettings d = KeySettings.ofDefaults();
        assertThat(d.format().prefix()).isEqualTo(KeyFormat.DEFAULT_PREFIX);
        assertThat(d.hasher().schemeCount()).isEqualTo(1);
        assertThat(d.clock()).isEqualTo(Clock.systemUTC());
    }

    @Test
    void aMissingPartIsRefusedByName() {
        assertThatThrownBy(() -> KeySettings.custom().hasher(null)).hasMessageContaining("hasher");
        assertThatThrownBy(() -> KeyManager.builder(new InMemoryKeyStore()).settings(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void settingsOfAManagerForAnotherStoreAreRefusedByFrom() {
        KeyManager manager = KeyManager.builder(new InMemoryKeyStore()).settings(settings).build();
        assertThatThrownBy(() -> ApiKeyVerifier.builder(new InMemoryKeyStore()).from(manager))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("different store");
    }
}
