package dev.apikey;

import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyHasherTest {
    private static final KeyFormat FORMAT = KeyFormat.ofDefaults();

    private static Pepper pepper(int version, int fill) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) fill);
        return new Pepper(version, b);
    }

    @Test
    void defaultIsSha256OfTheWholeKey() throws Exception {
        ApiKey k = FORMAT.generate(Environment.LIVE);
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(k.reveal().getBytes(StandardCharsets.US_ASCII));
        KeyDigest d = KeyHasher.sha256().digest(k);
        assertThat(d.scheme()).isEqualTo("sha256");
        assertThat(d.bytes()).isEqualTo(expected);
        assertThat(KeyDigest.parse(d.encoded())).isEqualTo(d);
    }

    @Test
    void hmacDependsOnThePepperAndNamesItsVersion() {
        ApiKey k = FORMAT.generate(Environment.LIVE);
        KeyDigest a = KeyHasher.hmac(pepper(1, 1)).digest(k);
        KeyDigest b = KeyHasher.hmac(pepper(2, 2)).digest(k);
        assertThat(a.scheme()).isEqualTo("hmac-v1");
        assertThat(b.scheme()).isEqualTo("hmac-v2");
        assertThat(a).isNotEqualTo(b);
        assertThat(a).isNotEqualTo(KeyHasher.sha256().digest(k));
    }

    @Test
    void keysHashedWithThePreviousPepperStillVerifyDuringAChange() {
        ApiKey k = FORMAT.generate(Environment.LIVE);
        KeyDigest stored = KeyHasher.hmac(pepper(1, 1)).digest(k);
        KeyHasher rotating = KeyHasher.hmac(pepper(2, 2), pepper(1, 1));
        assertThat(rotating.digest(k).scheme()).isEqualTo("hmac-v2");
        assertThat(rotating.lookupDigests(k)).hasSize(2).contains(stored);

        InMemoryKeyStore store = new InMemoryKeyStore();
        KeyManager old = KeyManager.builder(store).hasher(KeyHasher.hmac(pepper(1, 1))).build();
        IssuedKey issued = old.issue(KeyRequest.builder().owner("app").scopes("a:b").build());
        ApiKeyVerifier v = ApiKeyVerifier.builder(store).hasher(rotating).auditSink(e -> { }).build();
        Decision d = v.verify(AccessRequest.builder().headers(n -> n.equalsIgnoreCase("X-API-Key")
                ? java.util.List.of(issued.key().reveal()) : java.util.List.of()).build());
        assertThat(d.isAllowed()).isTrue();
    }

    @Test
    void peppersAreValidatedAndNeverPrinted() {
        assertThatThrownBy(() -> new Pepper(0, new byte[32])).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> new Pepper(1, new byte[31])).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> KeyHasher.hmac(pepper(1, 1), pepper(1, 2)))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("version 1");
        assertThat(pepper(3, 65).toString()).isEqualTo("Pepper[v3]").doesNotContain("AAAA");
    }

    @Test
    void digestsCompareByValueAndPrintOnlyTheirScheme() {
        ApiKey k = FORMAT.generate(Environment.LIVE);
        KeyDigest a = KeyHasher.sha256().digest(k);
        KeyDigest b = KeyDigest.of("sha256", a.bytes());
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.toString()).isEqualTo("KeyDigest[sha256]");
        assertThatThrownBy(() -> KeyDigest.parse("md5:AAAA")).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> KeyDigest.of("sha256", new byte[31])).isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void aDigestEqualsExactlyTheDigestOfItsSchemeAndBytes() {
        ApiKey k = FORMAT.generate(Environment.LIVE);
        KeyDigest d = KeyHasher.sha256().digest(k);
        byte[] b = d.bytes();
        assertThat(KeyDigest.of("sha256", b)).isEqualTo(d).hasSameHashCodeAs(d);
        assertThat(KeyDigest.of("hmac-v1", b)).as("another scheme").isNotEqualTo(d);
        // One bit of each byte, in each of the four words, makes another digest.
        for (int i = 0; i < 32; i++) {
            b[i] ^= 1;
            assertThat(KeyDigest.of("sha256", b)).as("byte %d", i).isNotEqualTo(d);
            b[i] ^= 1;
        }
        assertThat(d.toString()).isEqualTo("KeyDigest[sha256]");
    }
}
