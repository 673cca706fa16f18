package dev.apikey.jdbc;

import dev.apikey.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cache's options: defaults, and wrong values refused with a message that names them. */
class CacheOptionsTest {
    @Test
    void theDefaultsAreAFiveSecondTtlAndTenThousandRecords() {
        CacheOptions defaults = CacheOptions.ofDefaults();
        assertThat(defaults.ttl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.maxEntries()).isEqualTo(10_000);
        assertThat(defaults.toString()).isEqualTo("CacheOptions[ttl=PT5S, maxEntries=10000]");
    }

    @Test
    void aTtlOutsideTenMillisecondsToAnHourIsRefused() {
        assertThatThrownBy(() -> CacheOptions.custom().ttl(Duration.ofMillis(9)))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("PT0.009S");
        assertThatThrownBy(() -> CacheOptions.custom().ttl(Duration.ofHours(2)))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("PT2H");
        assertThat(CacheOptions.custom().ttl(Duration.ofMillis(10)).build().ttl()).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void aBoundBelowOneIsRefused() {
        assertThatThrownBy(() -> CacheOptions.custom().maxEntries(0))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("got 0");
    }
}
