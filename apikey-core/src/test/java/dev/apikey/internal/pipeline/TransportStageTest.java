package dev.apikey.internal.pipeline;

import dev.apikey.ApiKey;
import dev.apikey.Cidr;
import dev.apikey.CleartextKeys;
import dev.apikey.Decision;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyRequest;
import dev.apikey.KeyStatus;
import dev.apikey.MutableClock;
import dev.apikey.Outcome;
import dev.apikey.internal.ClientAddresses;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.LifecycleEvent;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.apikey.internal.pipeline.Requests.NOW;
import static dev.apikey.internal.pipeline.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

class TransportStageTest {
    private final ClientAddresses direct = new ClientAddresses(List.of(), ClientAddresses.X_FORWARDED_FOR);
    private final ClientAddresses behindProxy = new ClientAddresses(List.of(Cidr.parse("10.0.0.0/8")),
            ClientAddresses.X_FORWARDED_FOR);
    private final ClientAddresses behindRfc7239Proxy = new ClientAddresses(List.of(Cidr.parse("10.0.0.0/8")), "Forwarded");

    private static TransportStage stage(CleartextKeys policy, ClientAddresses clients) {
        return new TransportStage(policy, clients, Requests.responses(), null);
    }

    private static Attempt attempt(ClientAddresses clients, String peer, Boolean secure, String... headers) {
        var b = request(headers).remoteAddress(peer);
        if (secure != null) {
            b.secure(secure);
        }
        return new Attempt(b.build(), new MutableClock(NOW), clients, true);
    }

    @Test
    void aKeyOverPlainHttpFromAnotherHostIsRefusedWith403BeforeAnyLookup() {
        Decision d = stage(CleartextKeys.REFUSE, direct).beforeLookup(attempt(direct, "198.51.100.7", false));
        assertThat(d.outcome()).isEqualTo(Outcome.CLEARTEXT_KEY);
        assertThat(d.status()).isEqualTo(403);
        assertThat(d.body()).contains("https-required").contains("rotate it");
    }

    @Test
    void aKeyOverTlsOrFromThisHostGoesOn() {
        TransportStage s = stage(CleartextKeys.REFUSE, direct);
        assertThat(s.beforeLookup(attempt(direct, "198.51.100.7", true))).isNull();
        assertThat(s.beforeLookup(attempt(direct, "127.0.0.1", false))).isNull();
        assertThat(s.beforeLookup(attempt(direct, "127.8.9.10", false))).isNull();
        assertThat(s.beforeLookup(attempt(direct, "::1", false))).isNull();
        assertThat(s.beforeLookup(attempt(direct, "0:0:0:0:0:0:0:1", false))).isNull();
    }

    @Test
    void overTlsTheClientsAddressIsNotEvenAsked() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        Attempt a = new Attempt(request().remoteAddressFrom(() -> {
            asked.incrementAndGet();
            return "198.51.100.7";
        }).secure(true).build(), new MutableClock(NOW), direct, true);
        assertThat(stage(CleartextKeys.REFUSE, direct).beforeLookup(a)).isNull();
        assertThat(asked).hasValue(0);
    }

    @Test
    void aRequestWhoseAdapterDidNotSayHowItArrivedIsNotChecked() {
        assertThat(stage(CleartextKeys.REFUSE, direct).beforeLookup(attempt(direct, "198.51.100.7", null))).isNull();
    }

    @Test
    void allowTurnsTheCheckOff() {
        assertThat(stage(CleartextKeys.ALLOW, direct).beforeLookup(attempt(direct, "198.51.100.7", false))).isNull();
        assertThat(stage(CleartextKeys.ALLOW, direct).afterValidity(attempt(direct, "198.51.100.7", false))).isNull();
    }

    @Test
    void aTrustedProxySaysWhichSchemeTheClientUsedInItsRightMostValue() {
        TransportStage s = stage(CleartextKeys.REFUSE, behindProxy);
        assertThat(s.beforeLookup(attempt(behindProxy, "10.0.0.1", false,
                "X-Forwarded-For", "203.0.113.5", "X-Forwarded-Proto", "https"))).isNull();
        assertThat(s.beforeLookup(attempt(behindProxy, "10.0.0.1", false,
                "X-Forwarded-For", "203.0.113.5", "X-Forwarded-Proto", "HTTPS"))).isNull();
        assertThat(s.beforeLookup(attempt(behindProxy, "10.0.0.1", true,
                "X-Forwarded-For", "203.0.113.5", "X-Forwarded-Proto", "http")).outcome()).isEqualTo(Outcome.CLEARTEXT_KEY);
        // The client wrote "https" itself; the proxy appended what it saw.
        assertThat(s.beforeLookup(attempt(behindProxy, "10.0.0.1", false,
                "X-Forwarded-For", "203.0.113.5", "X-Forwarded-Proto", "https, http")).outcome()).isEqualTo(Outcome.CLEARTEXT_KEY);
    }

    @Test
    void aProxyThatSaysNothingLeavesTheConnectionsOwnTransportAndTheForwardedClientDecides() {
        TransportStage s = stage(CleartextKeys.REFUSE, behindProxy);
        assertThat(s.beforeLookup(attempt(behindProxy, "10.0.0.1", false, "X-Forwarded-For", "203.0.113.5")).outcome())
                .isEqualTo(Outcome.CLEARTEXT_KEY);
        assertThat(s.beforeLookup(attempt(behindProxy, "10.0.0.1", true, "X-Forwarded-For", "203.0.113.5"))).isNull();
        assertThat(s.beforeLookup(attempt(behindProxy, "10.0.0.1", false, "X-Forwarded-Proto", "ftp",
                "X-Forwarded-For", "203.0.113.5")).outcome()).isEqualTo(Outcome.CLEARTEXT_KEY);
    }

    @Test
    void aClientThatIsNotATrustedProxyCannotClaimHttpsByHeader() {
        TransportStage s = stage(CleartextKeys.REFUSE, behindProxy);
        assertThat(s.beforeLookup(attempt(behindProxy, "203.0.113.9", false, "X-Forwarded-Proto", "https")).outcome())
                .isEqualTo(Outcome.CLEARTEXT_KEY);
        assertThat(s.beforeLookup(attempt(direct, "203.0.113.9", false, "X-Forwarded-Proto", "https")).outcome())
                .isEqualTo(Outcome.CLEARTEXT_KEY);
    }

    @Test
    void aClientBehindAProxyIsNotExemptBecauseTheProxyIsOnLoopback() {
        ClientAddresses localProxy = new ClientAddresses(List.of(Cidr.parse("127.0.0.1/32")), ClientAddresses.X_FORWARDED_FOR);
        TransportStage s = stage(CleartextKeys.REFUSE, localProxy);
        assertThat(s.beforeLookup(attempt(localProxy, "127.0.0.1", false, "X-Forwarded-For", "203.0.113.5")).outcome())
                .isEqualTo(Outcome.CLEARTEXT_KEY);
        assertThat(s.beforeLookup(attempt(localProxy, "127.0.0.1", false, "X-Forwarded-For", "203.0.113.5",
                "X-Forwarded-Proto", "https"))).isNull();
    }

    @Test
    void theForwardedHeadersProtoOfTheRightMostElementCounts() {
        TransportStage s = stage(CleartextKeys.REFUSE, behindRfc7239Proxy);
        assertThat(s.beforeLookup(attempt(behindRfc7239Proxy, "10.0.0.1", false,
                "Forwarded", "for=203.0.113.5;proto=https"))).isNull();
        assertThat(s.beforeLookup(attempt(behindRfc7239Proxy, "10.0.0.1", false,
                "Forwarded", "for=192.0.2.1;proto=https, for=203.0.113.5;proto=http")).outcome())
                .isEqualTo(Outcome.CLEARTEXT_KEY);
        // In Forwarded mode X-Forwarded-Proto is not read: a client could send it itself.
        assertThat(s.beforeLookup(attempt(behindRfc7239Proxy, "10.0.0.1", false,
                "Forwarded", "for=203.0.113.5", "X-Forwarded-Proto", "https")).outcome()).isEqualTo(Outcome.CLEARTEXT_KEY);
    }

    @Test
    void refuseDoesNothingAfterTheLookupAndFlagDoesNothingBeforeIt() {
        assertThat(stage(CleartextKeys.REFUSE, direct).afterValidity(attempt(direct, "198.51.100.7", false))).isNull();
        assertThat(stage(CleartextKeys.FLAG, direct).beforeLookup(attempt(direct, "198.51.100.7", false))).isNull();
    }

    @Test
    void suspendRefusesTheKnownKeyAndSuspendsItWithALifecycleChangeByTheGuard() {
        InMemoryKeyStore store = new InMemoryKeyStore();
        List<LifecycleEvent> changes = new ArrayList<>();
        AuditSink sink = new AuditSink() {
            @Override
            public void record(dev.apikey.spi.AuditEvent event) {
            }

            @Override
            public void lifecycle(LifecycleEvent event) {
                changes.add(event);
            }
        };
        KeyManager keys = KeyManager.builder(store).clock(new MutableClock(NOW)).auditSink(sink).build();
        KeyRecord record = keys.issue(KeyRequest.builder().owner("o").build()).record();
        TransportStage s = new TransportStage(CleartextKeys.SUSPEND, direct, Requests.responses(),
                keys.actingAs(dev.apikey.Actor.named("cleartext-guard")));
        Attempt a = attempt(direct, "198.51.100.7", false);
        a.record = record;

        assertThat(s.afterValidity(a).outcome()).isEqualTo(Outcome.CLEARTEXT_KEY);
        assertThat(store.findById(record.id()).orElseThrow().status()).isEqualTo(KeyStatus.SUSPENDED);
        assertThat(changes).last().satisfies(e -> {
            assertThat(e.action()).isEqualTo(LifecycleEvent.Action.SUSPEND);
            assertThat(e.actor()).isEqualTo("cleartext-guard");
            assertThat(e.target()).isEqualTo(record.id());
        });
    }

    @Test
    void flagRefusesTheKnownKeyWithoutChangingIt() {
        ApiKey key = Requests.key();
        KeyRecord record = Requests.recordOf(key).build();
        Attempt a = attempt(direct, "198.51.100.7", false);
        a.record = record;
        assertThat(stage(CleartextKeys.FLAG, direct).afterValidity(a).outcome()).isEqualTo(Outcome.CLEARTEXT_KEY);
        assertThat(record.status()).isEqualTo(KeyStatus.ACTIVE);
    }
}
