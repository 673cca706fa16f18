package dev.apikey.internal.pipeline;

import dev.apikey.ClientThrottle;
import dev.apikey.Decision;
import dev.apikey.MutableClock;
import dev.apikey.Outcome;
import dev.apikey.RateLimit;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.apikey.internal.pipeline.Requests.NOW;
import static dev.apikey.internal.pipeline.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

class FailureThrottleStageTest {
    private final MutableClock clock = new MutableClock(NOW);
    private final Responses responses = Requests.responses();
    private final Decision unknown = responses.of(Outcome.UNKNOWN_KEY);

    private Decision fail(FailureThrottleStage stage, String peer) {
        return stage.afterFailure(Requests.attempt(request().remoteAddress(peer).build(), clock), unknown);
    }

    @Test
    void failuresWithinTheAllowanceKeepTheirAnswerAndThenTheClientGets429() {
        FailureThrottleStage stage = new FailureThrottleStage(
                new ClientThrottle(true, RateLimit.parse("2/1h"), 100, List.of()), responses);
        assertThat(fail(stage, "203.0.113.1")).isSameAs(unknown);
        assertThat(fail(stage, "203.0.113.1")).isSameAs(unknown);
        Decision throttled = fail(stage, "203.0.113.1");
        assertThat(throttled.outcome()).isEqualTo(Outcome.CLIENT_THROTTLED);
        assertThat(throttled.retryAfterSeconds()).isPositive();
        assertThat(fail(stage, "203.0.113.2")).as("another client").isSameAs(unknown);
        clock.advance(Duration.ofHours(2));
        assertThat(fail(stage, "203.0.113.1")).as("after the wait").isSameAs(unknown);
    }

    @Test
    void aDisabledThrottleNeverRefuses() {
        FailureThrottleStage stage = new FailureThrottleStage(ClientThrottle.disabled(), responses);
        for (int i = 0; i < 1000; i++) {
            assertThat(fail(stage, "203.0.113.1")).isSameAs(unknown);
        }
    }
}
