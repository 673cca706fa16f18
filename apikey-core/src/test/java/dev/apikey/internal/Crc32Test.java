package dev.apikey.internal;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

class Crc32Test {
    @Test
    void agreesWithJavaUtilZipForEveryLengthUpTo80() {
        Random random = new Random(42);
        for (int len = 0; len <= 80; len++) {
            for (int round = 0; round < 50; round++) {
                char[] chars = new char[len];
                for (int i = 0; i < len; i++) {
                    chars[i] = (char) (0x20 + random.nextInt(0x5f));
                }
                String s = new String(chars);
                CRC32 expected = new CRC32();
                expected.update(s.getBytes(StandardCharsets.US_ASCII));
                assertThat(Crc32.of(s, len)).as("length %d", len).isEqualTo(expected.getValue());
            }
        }
    }

    @Test
    void coversOnlyThePrefixUpToEnd() {
        CRC32 expected = new CRC32();
        expected.update("ak_live_".getBytes(StandardCharsets.US_ASCII));
        assertThat(Crc32.of("ak_live_XYZ", 8)).isEqualTo(expected.getValue());
    }
}
