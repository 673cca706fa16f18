package dev.apikey.internal.pipeline;

import dev.apikey.ApiKey;
import dev.apikey.Outcome;
import dev.apikey.internal.Base62;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import static dev.apikey.internal.pipeline.Requests.FORMAT;
import static dev.apikey.internal.pipeline.Requests.attempt;
import static dev.apikey.internal.pipeline.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

class ParseStageTest {
    private final ParseStage stage = new ParseStage(FORMAT, false, Requests.responses());
    private final ParseStage withLegacy = new ParseStage(FORMAT, true, Requests.responses());

    private Attempt withCredential(String credential) {
        Attempt a = attempt(request().build());
        a.credential = credential;
        return a;
    }

    /** {@code key} with its char at {@code at} replaced and the checksum recomputed, so only the alphabet is wrong. */
    private static String withChecksum(String key, int at, char c) {
        String text = key.substring(0, at) + c + key.substring(at + 1, key.length() - 6);
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.ISO_8859_1));
        return text + Base62.encodeFixed(crc.getValue(), 6);
    }

    @Test
    void aKeyOfTheFormatGoesOnParsed() {
        ApiKey k = Requests.key();
        Attempt a = withCredential(k.reveal());
        assertThat(stage.check(a)).isNull();
        assertThat(a.key).isEqualTo(k);
    }

    @Test
    void aRandomPartOutsideTheAlphabetIsMalformedEvenWithAMatchingChecksum() {
        String k = Requests.key().reveal();
        for (char c : new char[] {'-', '+', '_', '?', '\u00e9'}) {
            Attempt a = withCredential(withChecksum(k, 12, c));
            assertThat(stage.check(a).outcome()).as("%c", c).isEqualTo(Outcome.MALFORMED_KEY);
            assertThat(a.key).isNull();
        }
    }

    @Test
    void aCredentialWithControlCharactersIsABadCredentialNotAMalformedKey() {
        String k = Requests.key().reveal();
        assertThat(stage.check(withCredential(withChecksum(k, 12, '\u0001'))).outcome()).isEqualTo(Outcome.BAD_CREDENTIAL);
        assertThat(stage.check(withCredential("ak_live_\u0085")).outcome()).isEqualTo(Outcome.BAD_CREDENTIAL);
        assertThat(stage.check(withCredential("not a key")).outcome()).isEqualTo(Outcome.MALFORMED_KEY);
    }

    @Test
    void withTheLegacyPathOnlyAPlausibleLegacyKeyGoesOnAndAKeyOfTheFormatStillParses() {
        Attempt legacy = withCredential("sk_live_51HxLegacyPartnerKey0042");
        assertThat(withLegacy.check(legacy)).isNull();
        assertThat(legacy.legacy).isTrue();
        assertThat(legacy.key).isNull();
        for (String bad : new String[] {"short", "has a space in it somewhere", "x".repeat(257), "café-0123456789abcdef"}) {
            Attempt a = withCredential(bad);
            assertThat(withLegacy.check(a).outcome()).as(bad).isEqualTo(Outcome.MALFORMED_KEY);
            assertThat(a.legacy).isFalse();
        }
        ApiKey k = Requests.key();
        Attempt ours = withCredential(k.reveal());
        assertThat(withLegacy.check(ours)).isNull();
        assertThat(ours.legacy).isFalse();
        assertThat(ours.key).isEqualTo(k);
        Attempt off = withCredential("sk_live_51HxLegacyPartnerKey0042");
        assertThat(stage.check(off).outcome()).isEqualTo(Outcome.MALFORMED_KEY);
    }

    @Test
    void aWrongChecksumOrPrefixIsMalformed() {
        String k = Requests.key().reveal();
        String sum = k.substring(0, k.length() - 1) + (k.endsWith("0") ? '1' : '0');
        assertThat(stage.check(withCredential(sum)).outcome()).isEqualTo(Outcome.MALFORMED_KEY);
        assertThat(stage.check(withCredential("zz" + k.substring(2))).outcome()).isEqualTo(Outcome.MALFORMED_KEY);
    }
}
