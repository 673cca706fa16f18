package dev.apikey.internal.pipeline;

import dev.apikey.ApiKey;
import dev.apikey.Outcome;
import org.junit.jupiter.api.Test;

import static dev.apikey.internal.pipeline.Requests.cidrs;
import static dev.apikey.internal.pipeline.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

class AllowlistStageTest {
    private final AllowlistStage stage = new AllowlistStage(Requests.responses());
    private final ApiKey key = Requests.key();

    private Outcome outcomeOf(String peer, String... allowed) {
        var d = stage.check(Requests.found(request().remoteAddress(peer).build(), key,
                Requests.recordOf(key).allowedCidrs(cidrs(allowed)).build()));
        return d == null ? null : d.outcome();
    }

    @Test
    void aKeyWithoutAllowlistGoesOnFromAnywhere() {
        assertThat(outcomeOf("203.0.113.9")).isNull();
        assertThat(outcomeOf(null)).isNull();
    }

    @Test
    void aClientInsideTheKeysNetworksGoesOnAndOneOutsideIsForbidden() {
        assertThat(outcomeOf("10.1.2.3", "10.0.0.0/8")).isNull();
        assertThat(outcomeOf("[2001:db8::1]", "192.0.2.0/24", "2001:db8::/32")).isNull();
        assertThat(outcomeOf("203.0.113.9", "10.0.0.0/8")).isEqualTo(Outcome.ADDRESS_NOT_ALLOWED);
        assertThat(outcomeOf(null, "10.0.0.0/8")).as("an unknown client").isEqualTo(Outcome.ADDRESS_NOT_ALLOWED);
        assertThat(Requests.responses().of(Outcome.ADDRESS_NOT_ALLOWED).status()).isEqualTo(403);
    }
}
