package dev.apikey.internal.pipeline;

import dev.apikey.ApiKey;
import dev.apikey.Environment;
import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import dev.apikey.MutableClock;
import dev.apikey.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import static dev.apikey.internal.pipeline.Requests.NOW;
import static dev.apikey.internal.pipeline.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

class ValidityStageTest {
    private final ValidityStage stage = new ValidityStage(EnumSet.allOf(Environment.class), Requests.responses());
    private final ApiKey key = Requests.key();

    private Outcome outcomeOf(ValidityStage s, KeyRecord r) {
        var d = s.check(Requests.found(request().build(), key, r));
        return d == null ? null : d.outcome();
    }

    @Test
    void anActiveKeyInsideItsWindowGoesOn() {
        assertThat(outcomeOf(stage, Requests.recordOf(key).build())).isNull();
        assertThat(outcomeOf(stage, Requests.recordOf(key).notBefore(NOW).expires(NOW.plusNanos(1)).build())).isNull();
    }

    @Test
    void eachReasonAKeyMayNotBeUsedHasItsOwnOutcomeAndTheSame401() {
        assertThat(outcomeOf(stage, Requests.recordOf(key).status(KeyStatus.REVOKED).build())).isEqualTo(Outcome.REVOKED_KEY);
        assertThat(outcomeOf(stage, Requests.recordOf(key).status(KeyStatus.SUSPENDED).build())).isEqualTo(Outcome.SUSPENDED_KEY);
        assertThat(outcomeOf(stage, Requests.recordOf(key).expires(NOW).build())).isEqualTo(Outcome.EXPIRED_KEY);
        assertThat(outcomeOf(stage, Requests.recordOf(key).notBefore(NOW.plusNanos(1)).build()))
                .isEqualTo(Outcome.NOT_YET_VALID_KEY);
        ValidityStage testOnly = new ValidityStage(Set.of(Environment.TEST), Requests.responses());
        assertThat(outcomeOf(testOnly, Requests.recordOf(key).build())).isEqualTo(Outcome.WRONG_ENVIRONMENT);
        for (Outcome o : Set.of(Outcome.REVOKED_KEY, Outcome.EXPIRED_KEY, Outcome.WRONG_ENVIRONMENT)) {
            assertThat(Requests.responses().of(o).status()).isEqualTo(401);
        }
    }

    @Test
    void aStepOfTheClockIsSeenByTheNextRequest() {
        // The time comes from the clock on every request: a clock set past the expiry refuses the key at once.
        MutableClock clock = new MutableClock(NOW);
        KeyRecord r = Requests.recordOf(key).expires(NOW.plusSeconds(1)).build();
        Attempt before = Requests.attempt(request().build(), clock);
        before.record = r;
        assertThat(stage.check(before)).isNull();
        clock.advance(Duration.ofSeconds(1));
        Attempt after = Requests.attempt(request().build(), clock);
        after.record = r;
        assertThat(stage.check(after).outcome()).isEqualTo(Outcome.EXPIRED_KEY);
    }
}
