package dev.apikey.internal;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

class Crc32Test {
    private static long jdk(byte[] b, int from, int to) {
        CRC32 crc = new CRC32();
        crc.update(b, from, to - from);
        return crc.getValue();
    }

    @Test
    void theStandardCheckValue() {
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(Crc32.of(b, 0, b.length)).isEqualTo(0xCBF43926L);
        assertThat(Crc32.of(b, 0, 0)).isZero();
    }

    @Test
    void agreesWithTheJdkOnEveryLengthAndOffset() {
        Random random = new Random(8);
        byte[] b = new byte[300];
        for (int round = 0; round < 20; round++) {
            random.nextBytes(b);
            for (int from = 0; from < 9; from++) {
                for (int to = from; to <= b.length; to++) {
                    assertThat(Crc32.of(b, from, to)).as("[%d, %d)", from, to).isEqualTo(jdk(b, from, to));
                }
            }
        }
    }

    @Test
    void everyByteValueInEveryLaneOfAStep() {
        byte[] b = new byte[16];
        for (int at = 0; at < b.length; at++) {
            for (int v = 0; v < 256; v++) {
                b[at] = (byte) v;
                assertThat(Crc32.of(b, 0, b.length)).as("byte %d at %d", v, at).isEqualTo(jdk(b, 0, b.length));
            }
            b[at] = 0;
        }
    }
}
