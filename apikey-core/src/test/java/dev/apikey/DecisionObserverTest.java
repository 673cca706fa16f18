package dev.apikey;

import dev.apikey.spi.AuditSink;
import dev.apikey.spi.DecisionObserver;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class DecisionObserverTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-02-01T00:00:00Z"));
    private final InMemoryKeyStore store = new InMemoryKeyStore();
    private final KeyManager manager = KeyManager.builder(store).clock(clock).build();

    private record Seen(String adapter, Outcome outcome, String keyId, long nanos) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final ApiKeyVerifier verifier = ApiKeyVerifier.builder(store).from(manager).auditSink(AuditSink.NONE)
            .lastUsedExecutor(Runnable::run)
            .decisionObserver((adapter, outcome, keyId, nanos) -> seen.add(new Seen(adapter, outcome, keyId, nanos)))
            .build();

    private static AccessRequest.Builder request(String key) {
        return AccessRequest.builder().remoteAddress("127.0.0.1").headers(n -> n.equalsIgnoreCase("X-API-Key")
                && key != null ? List.of(key) : List.of());
    }

    @Test
    void everyDecisionIsSeenOnceWithItsAdapterOutcomeAndKeyId() {
        IssuedKey issued = manager.issue(KeyRequest.builder().owner("app").scopes("a:b").build());
        String key = issued.key().reveal();
        String id = issued.record().id();

        verifier.verify(request(key).adapter(AccessRequest.SERVLET).build());
        verifier.verify(request(null).adapter(AccessRequest.JAXRS).build());
        verifier.verify(request(key).requirement(ScopeRequirement.all("c:d")).build());
        verifier.rejectInvalidPath(request(key).adapter(AccessRequest.SERVLET).build());

        assertThat(seen).extracting(Seen::adapter, Seen::outcome, Seen::keyId).containsExactly(
                tuple(AccessRequest.SERVLET, Outcome.ALLOWED, id),
                tuple(AccessRequest.JAXRS, Outcome.MISSING_KEY, null),
                tuple(AccessRequest.OTHER, Outcome.INSUFFICIENT_SCOPE, id),
                tuple(AccessRequest.SERVLET, Outcome.INVALID_PATH, null));
        assertThat(seen).allSatisfy(s -> assertThat(s.nanos()).isNotNegative());
    }

    @Test
    void aFailingObserverNeverChangesTheAnswer() {
        String key = manager.issue(KeyRequest.builder().owner("app").scopes("a:b").build()).key().reveal();
        ApiKeyVerifier failing = ApiKeyVerifier.builder(store).from(manager).auditSink(AuditSink.NONE)
                .lastUsedExecutor(Runnable::run)
                .decisionObserver((adapter, outcome, keyId, nanos) -> {
                    throw new IllegalStateException("broken metrics");
                }).build();

        assertThat(failing.verify(request(key).build()).isAllowed()).isTrue();
        assertThat(failing.verify(request("ak_live_nope").build()).outcome()).isEqualTo(Outcome.MALFORMED_KEY);
    }
}
