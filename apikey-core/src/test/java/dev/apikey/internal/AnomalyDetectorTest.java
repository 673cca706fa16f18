package dev.apikey.internal;

import dev.apikey.anomaly.AnomalyPolicy;
import dev.apikey.anomaly.AnomalyPolicy.Signal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The two signals on a fake timeline: one window is one minute of nanoseconds. */
class AnomalyDetectorTest {
    private static final long MINUTE = Duration.ofMinutes(1).toNanos();
    private final AnomalyDetector detector = new AnomalyDetector(AnomalyPolicy.ofDefaults());

    /** {@code n} requests of {@code key} in the window starting at {@code minute}, from {@code networks} /24s. */
    private List<AnomalyDetector.Alert> window(String key, int minute, int n, int networks) {
        List<AnomalyDetector.Alert> alerts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            AnomalyDetector.Alert a = detector.observe(key, "203.0." + (i % networks) + "." + (i % 200), minute * MINUTE + i);
            if (a != null) {
                alerts.add(a);
            }
        }
        return alerts;
    }

    @Test
    void trafficFarAboveTheKeysUsualIsReportedOnceAndOnlyAfterWarmUp() {
        assertThat(window("k", 0, 500, 1)).as("no baseline yet").isEmpty();
        for (int m = 1; m <= 6; m++) {
            assertThat(window("k", m, 50, 1)).isEmpty();
        }

        List<AnomalyDetector.Alert> spike = window("k", 7, 5_000, 1);

        assertThat(spike).singleElement().satisfies(a -> {
            assertThat(a.signal()).isEqualTo(Signal.TRAFFIC);
            assertThat(a.detail()).startsWith("signal=traffic requests=").contains("window=PT1M")
                    .doesNotContain("203.0.");
        });
        assertThat(window("k", 8, 5_000, 1)).as("within the 15-minute alert interval").isEmpty();
    }

    @Test
    void aQuietKeyGoingFromOneToAFewIsNotAnAlarm() {
        for (int m = 0; m < 10; m++) {
            assertThat(window("quiet", m, 1, 1)).isEmpty();
        }
        assertThat(window("quiet", 10, 60, 1)).isEmpty();
    }

    @Test
    void requestsFromManyMoreNetworksThanUsualAreReported() {
        for (int m = 0; m < 8; m++) {
            assertThat(window("n", m, 40, 2)).isEmpty();
        }
        List<AnomalyDetector.Alert> alerts = window("n", 8, 40, 40);
        assertThat(alerts).extracting(AnomalyDetector.Alert::signal).containsExactly(Signal.NETWORKS);
        assertThat(alerts.get(0).detail()).startsWith("signal=networks networks=");
    }

    @Test
    void theSketchCountsDistinctNetworksWithinAFewAndNotAddressesOfOneNetwork() {
        long oneNetwork = 0;
        for (int i = 0; i < 200; i++) {
            oneNetwork |= 1L << (AnomalyDetector.network("198.51.100." + i) & 63);
        }
        assertThat(AnomalyDetector.distinct(oneNetwork)).isEqualTo(1, org.assertj.core.data.Offset.offset(0.1));
        long twenty = 0;
        for (int i = 0; i < 20; i++) {
            twenty |= 1L << (AnomalyDetector.network("2001:db8:" + Integer.toHexString(i) + "::1") & 63);
        }
        assertThat(AnomalyDetector.distinct(twenty)).isBetween(14.0, 26.0);
    }

    @Test
    void theWatchedKeysStayWithinTheBound() {
        AnomalyDetector small = new AnomalyDetector(AnomalyPolicy.custom().maxKeys(100).build());
        for (int i = 0; i < 10_000; i++) {
            small.observe("key_" + i, null, i);
        }
        assertThat(small.watched()).isLessThanOrEqualTo(100);
    }
}
