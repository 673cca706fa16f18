package dev.apikey;

import dev.apikey.review.Finding;
import dev.apikey.review.KeyReview;
import dev.apikey.spi.AuditEvent;
import dev.apikey.spi.DuplicateKeyException;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.LifecycleEvent;
import dev.apikey.spi.LifecycleRecorder;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keys brought over from another system: how they are stored, and when and how they verify. */
class ImportKeysTest {
    private static final String OLD_KEY = "sk_live_51HxLegacyPartnerKey0042";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
    private final InMemoryKeyStore store = new InMemoryKeyStore();
    private final LifecycleRecorder lifecycle = new LifecycleRecorder();
    private final KeyManager manager = KeyManager.builder(store).clock(clock).auditSink(lifecycle).build();
    private final List<AuditEvent> audit = new ArrayList<>();

    private ApiKeyVerifier verifier(boolean legacy) {
        return ApiKeyVerifier.builder(store).from(manager).legacyKeys(legacy).auditSink(audit::add)
                .lastUsedExecutor(Runnable::run).clientThrottle(new ClientThrottle(true, RateLimit.parse("3/1h"), 100, List.of()))
                .build();
    }

    private static Decision call(ApiKeyVerifier v, String key) {
        return v.verify(AccessRequest.builder().remoteAddress("198.51.100.7")
                .headers(n -> n.equalsIgnoreCase("x-api-key") ? List.of(key) : List.of())
                .requirement(ScopeRequirement.all("billing:read")).build());
    }

    private static KeyRequest.Builder partner() {
        return KeyRequest.builder().owner("partner-x").scopes("billing:read");
    }

    private static String sha256Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aLegacyKeyVerifiesOnlyWithTheLegacyPathOnAndIsAuditedAsLegacy() {
        KeyRecord r = manager.importKey(ImportedKey.plaintext(OLD_KEY, partner().build()));
        assertThat(r.legacy()).isTrue();
        assertThat(r.hint()).isEqualTo("legacy\u20260042");
        assertThat(r.toString()).doesNotContain(OLD_KEY);

        Decision off = call(verifier(false), OLD_KEY);
        assertThat(off.outcome()).isEqualTo(Outcome.MALFORMED_KEY);
        Decision on = call(verifier(true), OLD_KEY);
        assertThat(on.outcome()).isEqualTo(Outcome.ALLOWED);
        assertThat(on.principal().owner()).isEqualTo("partner-x");
        assertThat(audit.get(0).legacy()).isFalse();
        assertThat(audit.get(1).legacy()).isTrue();
        assertThat(audit.get(1).toLine()).contains("legacy=true").contains("hint=legacy").doesNotContain(OLD_KEY);
        assertThat(lifecycle.events).extracting(LifecycleEvent::detail).containsExactly("import=plaintext legacy=true");
    }

    @Test
    void aKeyImportedByItsDigestVerifiesFromItsText() throws Exception {
        manager.importKey(ImportedKey.sha256(sha256Hex(OLD_KEY), partner().build()));
        assertThat(call(verifier(true), OLD_KEY).outcome()).isEqualTo(Outcome.ALLOWED);

        String other = "ghp_AnotherSystemsTokenValue1234";
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(other.getBytes(StandardCharsets.UTF_8));
        manager.importKey(ImportedKey.sha256(java.util.Base64.getEncoder().encodeToString(digest), partner().build()));
        assertThat(call(verifier(true), other).outcome()).isEqualTo(Outcome.ALLOWED);
        assertThat(lifecycle.events).extracting(LifecycleEvent::detail).containsOnly("import=digest legacy=true");
    }

    @Test
    void aKeyOfTheFormatIsImportedAsAnOrdinaryKeyUnderTheDeploymentsHasher() {
        String ours = KeyFormat.ofDefaults().generate(Environment.TEST).reveal();

        KeyRecord r = manager.importKey(ImportedKey.plaintext(ours, partner().build()));

        assertThat(r.legacy()).isFalse();
        assertThat(r.environment()).isEqualTo(Environment.TEST);
        assertThat(r.digest()).isEqualTo(manager.hasher().digest(KeyFormat.ofDefaults().parse(ours)));
        assertThat(call(ApiKeyVerifier.builder(store).from(manager).environments(Environment.TEST)
                .auditSink(e -> { }).build(), ours).outcome()).isEqualTo(Outcome.ALLOWED);
    }

    @Test
    void theLegacyPathNeverReachesAKeyOfTheFormatAndGuessesCountAsFailures() {
        IssuedKey ours = manager.issue(partner().build());
        ApiKeyVerifier v = verifier(true);
        // A credential whose SHA-256 is a stored digest of a key of the format (a sha256-hashing deployment): the
        // key's own text parses, so only a forged text could take this path, and it finds no legacy record.
        assertThat(ours.record().digest().scheme()).isEqualTo("sha256");

        for (int i = 0; i < 3; i++) {
            assertThat(call(v, "guess-" + i + "-aaaaaaaaaaaaaaaa").outcome()).isEqualTo(Outcome.UNKNOWN_KEY);
        }
        assertThat(call(v, "guess-3-aaaaaaaaaaaaaaaa").outcome()).isEqualTo(Outcome.CLIENT_THROTTLED);
        assertThat(call(v, "short").outcome()).isEqualTo(Outcome.CLIENT_THROTTLED);
        assertThat(call(verifier(true), ours.key().reveal()).outcome()).isEqualTo(Outcome.ALLOWED);
    }

    @Test
    void reImportingIsADuplicateBadInputNamesNoSecretAndRotatingEndsLegacy() {
        KeyRecord r = manager.importKey(ImportedKey.plaintext(OLD_KEY, partner().build()));
        assertThatThrownBy(() -> manager.importKey(ImportedKey.plaintext(OLD_KEY, partner().build())))
                .isInstanceOf(DuplicateKeyException.class);
        assertThatThrownBy(() -> ImportedKey.plaintext("too-short", partner().build()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageNotContaining("too-short");
        assertThatThrownBy(() -> ImportedKey.plaintext("has spaces in it, no good", partner().build()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageNotContaining("has spaces in it");
        assertThatThrownBy(() -> ImportedKey.sha256("abc123", partner().build()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageNotContaining("abc123");
        assertThat(ImportedKey.plaintext(OLD_KEY, partner().build()).toString()).doesNotContain(OLD_KEY);

        assertThat(KeyReview.ofDefaults().check(r, clock.instant()).findings()).containsKey(Finding.LEGACY);
        IssuedKey successor = manager.rotate(r.id(), Duration.ZERO);
        assertThat(successor.record().legacy()).isFalse();
        assertThat(KeyReview.ofDefaults().check(successor.record(), clock.instant()).findings()).doesNotContainKey(Finding.LEGACY);
        assertThat(call(verifier(true), OLD_KEY).outcome()).isNotEqualTo(Outcome.ALLOWED);
        assertThat(call(verifier(true), successor.key().reveal()).outcome()).isEqualTo(Outcome.ALLOWED);
        assertThat(manager.list(KeyQuery.all())).hasSize(2);
    }
}
