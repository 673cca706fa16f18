package dev.apikey;

import dev.apikey.internal.Base62;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyFormatTest {
    private static final KeyFormat FORMAT = KeyFormat.ofDefaults();
    private static final Pattern REGEX = Pattern.compile(KeyFormat.REGEX);

    @Test
    void aMillionGeneratedKeysAreDistinctAndAllParse() {
        Set<String> seen = new HashSet<>(2_000_000);
        for (int i = 0; i < 1_000_000; i++) {
            ApiKey k = FORMAT.generate(i % 2 == 0 ? Environment.LIVE : Environment.TEST);
            String text = k.reveal();
            assertThat(seen.add(text)).isTrue();
            if (FORMAT.check(text) != KeyFormat.Check.OK) {
                throw new AssertionError("generated key " + i + " failed " + FORMAT.check(text));
            }
        }
        assertThat(seen).hasSize(1_000_000);
    }

    @Test
    void aDefaultKeyHas46CharsAndMatchesThePublishedRegex() {
        String k = FORMAT.generate(Environment.LIVE).reveal();
        assertThat(k).hasSize(46).startsWith("ak_live_");
        assertThat(REGEX.matcher(k).matches()).isTrue();
        assertThat(FORMAT.length()).isEqualTo(46);
    }

    @Test
    void everySingleCharacterChangeFailsTheCheck() {
        String alphabet = dev.apikey.internal.Base62.ALPHABET + "_-!é";
        for (int n = 0; n < 20; n++) {
            String k = FORMAT.generate(Environment.LIVE).reveal();
            for (int i = 0; i < k.length(); i++) {
                for (int j = 0; j < alphabet.length(); j++) {
                    char c = alphabet.charAt(j);
                    if (c == k.charAt(i)) {
                        continue;
                    }
                    String changed = k.substring(0, i) + c + k.substring(i + 1);
                    assertThat(FORMAT.isValid(changed)).as("change at %d", i).isFalse();
                }
            }
        }
    }

    @Test
    void checksumMatchesFixedVectors() {
        // CRC32 (IEEE) of the ASCII text, in base62 (0-9A-Za-z), left-padded to 6 chars.
        assertThat(KeyFormat.checksum("")).isEqualTo("000000");
        // crc32("a") = 0xE8B7BE43 = 3904355907
        assertThat(KeyFormat.checksum("a")).isEqualTo(Base62.encodeFixed(3904355907L, 6));
        // crc32("123456789") = 0xCBF43926 = 3421780262, the standard check value
        assertThat(KeyFormat.checksum("123456789")).isEqualTo("3jZRME");
        String body = "ak_live_" + "0".repeat(32);
        assertThat(KeyFormat.checksum(body)).isEqualTo("4YzvZp");
        assertThat(FORMAT.isValid(body + KeyFormat.checksum(body))).isTrue();
        assertThat(FORMAT.check(body + "000000")).isEqualTo(KeyFormat.Check.WRONG_CHECKSUM);
    }

    @Test
    void everyChecksumDigitCountsAtItsOwnPosition() {
        // The written checksum is decoded digit by digit in two halves: a digit left out, or weighed as another
        // position, would let some other digit there pass (or a correct key fail).
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for (int k = 0; k < 20; k++) {
            String key = FORMAT.generate(k % 2 == 0 ? Environment.LIVE : Environment.TEST).reveal();
            assertThat(FORMAT.check(key)).isEqualTo(KeyFormat.Check.OK);
            int sumAt = key.length() - KeyFormat.CHECKSUM_LENGTH;
            for (int i = sumAt; i < key.length(); i++) {
                for (int d = 0; d < alphabet.length(); d++) {
                    char c = alphabet.charAt(d);
                    if (c != key.charAt(i)) {
                        String changed = key.substring(0, i) + c + key.substring(i + 1);
                        assertThat(FORMAT.check(changed)).as(changed).isEqualTo(KeyFormat.Check.WRONG_CHECKSUM);
                    }
                }
            }
        }
    }

    @Test
    void wrongLengthAlphabetPrefixAndEnvironmentAreRejected() {
        String k = FORMAT.generate(Environment.LIVE).reveal();
        assertThat(FORMAT.check(null)).isEqualTo(KeyFormat.Check.EMPTY);
        assertThat(FORMAT.check("")).isEqualTo(KeyFormat.Check.EMPTY);
        assertThat(FORMAT.check(k + "0")).isEqualTo(KeyFormat.Check.WRONG_LENGTH);
        assertThat(FORMAT.check(k.substring(1))).isEqualTo(KeyFormat.Check.WRONG_LENGTH);
        assertThat(FORMAT.check("bk" + k.substring(2))).isEqualTo(KeyFormat.Check.WRONG_PREFIX);
        assertThat(FORMAT.check("ak_prod_" + k.substring(8))).isEqualTo(KeyFormat.Check.WRONG_ENVIRONMENT);
        assertThat(FORMAT.check(k.substring(0, 10) + "+" + k.substring(11))).isEqualTo(KeyFormat.Check.WRONG_ALPHABET);
        // a full-width digit looks like a digit but is outside the alphabet
        assertThat(FORMAT.check(k.substring(0, 10) + "\uFF10" + k.substring(11))).isEqualTo(KeyFormat.Check.WRONG_ALPHABET);
        assertThat(FORMAT.check("x".repeat(100_000))).isEqualTo(KeyFormat.Check.WRONG_LENGTH);
    }

    @Test
    void parseReportsTheFailedCheckWithoutTheInput() {
        String k = FORMAT.generate(Environment.TEST).reveal();
        String broken = k.substring(0, 45) + (k.charAt(45) == 'a' ? 'b' : 'a');
        assertThatThrownBy(() -> FORMAT.parse(broken))
                .isInstanceOf(InvalidKeyFormatException.class)
                .hasMessageNotContaining(broken)
                .hasMessageContaining("checksum");
        assertThat(FORMAT.parse(k).environment()).isEqualTo(Environment.TEST);
    }

    @Test
    void customPrefixesAreValidatedAndUsed() {
        KeyFormat f = KeyFormat.withPrefix("acme2");
        ApiKey k = f.generate(Environment.LIVE);
        assertThat(k.reveal()).startsWith("acme2_live_").hasSize(49);
        assertThat(f.isValid(k.reveal())).isTrue();
        assertThat(FORMAT.isValid(k.reveal())).isFalse();
        assertThat(KeyFormat.parseAnyPrefix(k.reveal())).isNotNull();
        for (String bad : new String[] {"a", "A1", "1a", "a_b", "abcdefghijklmnopq", "", null}) {
            assertThatThrownBy(() -> KeyFormat.withPrefix(bad)).isInstanceOf(InvalidConfigurationException.class);
        }
    }

    @Test
    void toStringShowsOnlyTheHint() {
        ApiKey k = FORMAT.generate(Environment.LIVE);
        assertThat(k.toString()).isEqualTo(k.hint()).doesNotContain(k.reveal().substring(8, 42));
        assertThat(k.hint()).startsWith("ak_live_\u2026").endsWith(k.reveal().substring(42));
    }

    @Test
    void generatorDrawsEveryBase62DigitAboutEquallyOften() {
        int[] counts = new int[128];
        SecureRandom r = new SecureRandom();
        for (int i = 0; i < 20_000; i++) {
            String s = FORMAT.generate(Environment.LIVE, r).reveal().substring(8, 40);
            for (char c : s.toCharArray()) {
                counts[c]++;
            }
        }
        double expected = 20_000 * 32 / 62.0;
        for (char c : dev.apikey.internal.Base62.ALPHABET.toCharArray()) {
            assertThat((double) counts[c]).isBetween(expected * 0.9, expected * 1.1);
        }
    }

    @Test
    void tryParseAcceptsExactlyWhatCheckAccepts() {
        // The verifier parses with tryParse; parse, check and tryParse must agree on every edited key.
        SecureRandom random = new SecureRandom(new byte[] {7});
        for (KeyFormat f : new KeyFormat[] {KeyFormat.ofDefaults(), KeyFormat.withPrefix("acme9")}) {
            String key = f.generate(Environment.TEST, random).reveal();
            String printable = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[]^_`abcxyz{|}~";
            for (int trial = 0; trial < 20_000; trial++) {
                StringBuilder b = new StringBuilder(key);
                int edits = random.nextInt(3);
                for (int e = 0; e < edits; e++) {
                    int at = random.nextInt(b.length());
                    switch (random.nextInt(3)) {
                        case 0 -> b.setCharAt(at, printable.charAt(random.nextInt(printable.length())));
                        case 1 -> b.deleteCharAt(at);
                        default -> b.insert(at, printable.charAt(random.nextInt(printable.length())));
                    }
                }
                String s = b.toString();
                ApiKey parsed = f.tryParse(s);
                assertThat(parsed != null).as("tryParse of an edited key").isEqualTo(f.check(s) == KeyFormat.Check.OK);
                if (parsed != null) {
                    assertThat(parsed).isEqualTo(f.parse(s));
                }
            }
        }
    }

    /**
     * Every char value at every position of a key is checked: only the unchanged key passes, and a key whose
     * checksum was computed over a char outside the alphabet is refused for its alphabet, not accepted for its sum.
     */
    @Test
    void onlyTheUnchangedKeyPassesAndTheAlphabetIsCheckedEvenWhenTheChecksumFits() {
        String key = FORMAT.generate(Environment.LIVE).reveal();
        int accepted = 0;
        for (int at = 0; at < key.length(); at++) {
            for (char v = 0; v < 0x180; v++) {
                String edited = key.substring(0, at) + v + key.substring(at + 1);
                boolean ok = FORMAT.check(edited) == KeyFormat.Check.OK;
                assertThat(FORMAT.tryParse(edited) != null).as("char %d at %d", (int) v, at).isEqualTo(ok);
                accepted += ok ? 1 : 0;
            }
        }
        assertThat(accepted).as("only the unchanged key").isEqualTo(key.length());
        // A random part with '+' and the checksum of exactly that text: WRONG_ALPHABET.
        String body = key.substring(0, key.length() - KeyFormat.CHECKSUM_LENGTH);
        body = body.substring(0, 12) + "+" + body.substring(13);
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        String forged = body + Base62.encodeFixed(crc.getValue(), KeyFormat.CHECKSUM_LENGTH);
        assertThat(FORMAT.check(forged)).isEqualTo(KeyFormat.Check.WRONG_ALPHABET);
        assertThat(FORMAT.tryParse(forged)).isNull();
    }
}
