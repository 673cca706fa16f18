package dev.apikey.internal.pipeline;

import dev.apikey.Cidr;
import dev.apikey.MutableClock;
import dev.apikey.Outcome;
import dev.apikey.internal.ClientAddresses;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.apikey.internal.pipeline.Requests.NOW;
import static dev.apikey.internal.pipeline.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

class ForwardedClientStageTest {
    private final ForwardedClientStage stage = new ForwardedClientStage(Requests.responses());
    private final ClientAddresses behindProxy = new ClientAddresses(List.of(Cidr.parse("10.0.0.0/8")),
            ClientAddresses.X_FORWARDED_FOR);

    private Attempt via(String peer, String... headers) {
        return new Attempt(request(headers).remoteAddress(peer).build(), new MutableClock(NOW), behindProxy, true);
    }

    @Test
    void aTrustedProxyNamingTheClientGoesOnWithThatClient() {
        Attempt a = via("10.0.0.1", "X-Forwarded-For", "203.0.113.5");
        assertThat(stage.check(a)).isNull();
        assertThat(a.client()).isEqualTo("203.0.113.5");
    }

    @Test
    void aTrustedProxyWhoseHeaderNamesNoClientIsRefusedBeforeAnyKey() {
        Attempt a = via("10.0.0.1", "X-Forwarded-For", "not-an-address", "X-API-Key", "whatever");
        var d = stage.check(a);
        assertThat(d.outcome()).isEqualTo(Outcome.UNRESOLVED_CLIENT);
        assertThat(d.status()).isEqualTo(400);
        assertThat(a.credential).isNull();
    }

    @Test
    void theHeaderOfAnUntrustedPeerIsNotReadAtAll() {
        Attempt a = via("203.0.113.9", "X-Forwarded-For", "not-an-address");
        assertThat(stage.check(a)).isNull();
        assertThat(a.client()).isEqualTo("203.0.113.9");
    }
}
