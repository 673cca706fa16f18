package dev.apikey.internal;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class AsciiLanesTest {
    private static boolean printable(int c) {
        return c >= 0x20 && c <= 0x7e;
    }

    private static boolean base62(int c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    @Test
    void everyByteValueInEveryLaneAndEveryLength() {
        // Lengths below, at and above one lane group, odd tails included; each position gets each of the 256 values
        // while the rest of the range holds a byte that passes both checks.
        for (int len = 0; len <= 21; len++) {
            for (int at = 0; at < len; at++) {
                for (int v = 0; v < 256; v++) {
                    byte[] b = new byte[len + 6];
                    Arrays.fill(b, (byte) 'k');
                    b[2] = (byte) 0x01;
                    b[len + 3] = (byte) 0xff;
                    b[3 + at] = (byte) v;
                    assertThat(AsciiLanes.allPrintable(b, 3, 3 + len)).as("printable len %d at %d value %02x", len, at, v)
                            .isEqualTo(printable(v));
                    assertThat(AsciiLanes.allBase62(b, 3, 3 + len)).as("base62 len %d at %d value %02x", len, at, v)
                            .isEqualTo(base62(v));
                }
            }
        }
    }

    @Test
    void randomRangesAgreeWithTheBytewiseAnswer() {
        Random r = new Random(42);
        for (int round = 0; round < 200_000; round++) {
            int len = r.nextInt(48);
            byte[] b = new byte[len];
            // Mostly passing bytes with a few of anything, so both answers occur often.
            for (int i = 0; i < len; i++) {
                b[i] = r.nextInt(8) == 0 ? (byte) r.nextInt(256) : (byte) Base62.ALPHABET.charAt(r.nextInt(62));
            }
            boolean p = true;
            boolean d = true;
            for (byte x : b) {
                p &= printable(x & 0xff);
                d &= base62(x & 0xff);
            }
            assertThat(AsciiLanes.allPrintable(b, 0, len)).isEqualTo(p);
            assertThat(AsciiLanes.allBase62(b, 0, len)).isEqualTo(d);
        }
    }
}
