package dev.apikey.micrometer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-key counters for the busiest keys only, on a fake clock: the number of series stays bounded. */
class TopKeysTest {
    private static final long MINUTE = 60_000_000_000L;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong now = new AtomicLong();
    private final TopKeys top = new TopKeys(registry, 2, MINUTE, now::get);

    private void send(String key, int times) {
        for (int i = 0; i < times; i++) {
            top.count(key);
        }
    }

    private double count(String key) {
        var c = registry.find(ApiKeyMetrics.KEY_DECISIONS).tag("key", key).counter();
        return c == null ? -1 : c.count();
    }

    @Test
    void theBusiestKeysGetTheirOwnSeriesAndEveryOtherKeyIsFoldedIntoOne() {
        send("key_a", 10);
        send("key_b", 5);
        send("key_c", 1);
        assertThat(top.keys()).isEmpty();
        assertThat(count(TopKeys.OTHER)).isEqualTo(16);

        now.addAndGet(MINUTE);
        send("key_c", 1);
        assertThat(top.keys()).containsExactlyInAnyOrder("key_a", "key_b");
        send("key_a", 3);
        send("key_c", 2);
        assertThat(count("key_a")).isEqualTo(3);
        assertThat(count("key_c")).isEqualTo(-1);
        assertThat(count(TopKeys.OTHER)).isEqualTo(19);

        send("key_c", 20);
        now.addAndGet(MINUTE);
        send("key_a", 1);
        assertThat(top.keys()).containsExactlyInAnyOrder("key_c", "key_a");
        assertThat(count("key_b")).as("dropped out: its series is removed").isEqualTo(-1);
        assertThat(registry.find(ApiKeyMetrics.KEY_DECISIONS).counters()).hasSize(3);
    }

    @Test
    void aFloodOfDistinctKeysNeverAddsSeries() {
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 10_000; i++) {
                top.count("key_" + round + "_" + i);
            }
            now.addAndGet(MINUTE);
        }
        assertThat(registry.find(ApiKeyMetrics.KEY_DECISIONS).counters()).hasSizeLessThanOrEqualTo(3);
    }
}
