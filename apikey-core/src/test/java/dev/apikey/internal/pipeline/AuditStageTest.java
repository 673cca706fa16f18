package dev.apikey.internal.pipeline;

import dev.apikey.ApiKey;
import dev.apikey.KeyRecord;
import dev.apikey.Outcome;
import dev.apikey.spi.AuditEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.apikey.internal.pipeline.Requests.NOW;
import static dev.apikey.internal.pipeline.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class AuditStageTest {
    private final List<AuditEvent> events = new ArrayList<>();
    private final AuditStage stage = new AuditStage(events::add);
    private final Responses responses = Requests.responses();

    @Test
    void aFoundKeyIsAuditedWithItsIdHintAndOwnerAndNeverItsText() {
        ApiKey k = Requests.key();
        KeyRecord r = Requests.recordOf(k).hint(k.hint()).owner("team-a").build();
        stage.record(Requests.found(request().path("/orders").build(), k, r), responses.of(Outcome.REVOKED_KEY));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.keyId()).isEqualTo(r.id());
            assertThat(e.hint()).isEqualTo(k.hint());
            assertThat(e.owner()).isEqualTo("team-a");
            assertThat(e.outcome()).isEqualTo(Outcome.REVOKED_KEY);
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.clientAddress()).isEqualTo("198.51.100.7");
            assertThat(e.path()).isEqualTo("/orders");
            assertThat(e.time()).isEqualTo(NOW);
            assertThat(e.toString()).doesNotContain(k.reveal());
        });
    }

    @Test
    void aParsedKeyThatIsNotStoredShowsItsHintAndAnUnparsedCredentialNone() {
        ApiKey k = Requests.key();
        Attempt parsed = Requests.found(request().build(), k, null);
        stage.record(parsed, responses.of(Outcome.UNKNOWN_KEY));
        Attempt malformed = Requests.attempt(request().build());
        malformed.credential = "ak_live_garbage";
        stage.record(malformed, responses.of(Outcome.MALFORMED_KEY));
        assertThat(events).extracting(AuditEvent::hint).containsExactly(k.hint(), null);
        assertThat(events).extracting(AuditEvent::keyId).containsOnlyNulls();
    }

    @Test
    void aFailingSinkThrowsNothingAtTheRequest() {
        AuditStage failing = new AuditStage(e -> {
            throw new IllegalStateException("sink down");
        });
        assertThatCode(() -> failing.record(Requests.attempt(request().build()), responses.of(Outcome.MISSING_KEY)))
                .doesNotThrowAnyException();
    }

    @Test
    void anOutcomeTheSinkDoesNotWantIsNeverBuiltNorRecorded() {
        List<Outcome> asked = new ArrayList<>();
        AuditStage picky = new AuditStage(new dev.apikey.spi.AuditSink() {
            @Override
            public void record(AuditEvent event) {
                events.add(event);
            }

            @Override
            public boolean wants(Outcome outcome) {
                asked.add(outcome);
                return outcome != Outcome.UNKNOWN_KEY;
            }
        });
        picky.record(Requests.attempt(request().build()), responses.of(Outcome.UNKNOWN_KEY));
        picky.record(Requests.attempt(request().build()), responses.of(Outcome.MISSING_KEY));
        assertThat(asked).containsExactly(Outcome.UNKNOWN_KEY, Outcome.MISSING_KEY);
        assertThat(events).extracting(AuditEvent::outcome).containsExactly(Outcome.MISSING_KEY);
    }

    @Test
    void theNoneSinkWantsNothing() {
        assertThat(Outcome.values()).noneMatch(dev.apikey.spi.AuditSink.NONE::wants);
    }
}
