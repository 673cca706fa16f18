package dev.apikey.internal.pipeline;

import dev.apikey.ApiKey;
import dev.apikey.ClientThrottle;
import dev.apikey.Decision;
import dev.apikey.KeyDigest;
import dev.apikey.KeyHasher;
import dev.apikey.MutableClock;
import dev.apikey.Outcome;
import dev.apikey.RateLimit;
import dev.apikey.RateLimitPolicy;
import dev.apikey.ScopeRequirement;
import dev.apikey.ScopeSet;
import dev.apikey.VerifierConfig;
import dev.apikey.internal.Base62;
import dev.apikey.internal.LastUsedRecorder;
import dev.apikey.local.LocalUsageCounters;
import dev.apikey.spi.AuditEvent;
import dev.apikey.spi.ForwardingKeyStore;
import dev.apikey.spi.RateLimiter;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

import static dev.apikey.internal.pipeline.Requests.FORMAT;
import static dev.apikey.internal.pipeline.Requests.NOW;
import static dev.apikey.internal.pipeline.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

class PipelineTest {
    private final MutableClock clock = new MutableClock(NOW);
    private final InMemoryKeyStore memory = new InMemoryKeyStore();
    private final AtomicInteger lookups = new AtomicInteger();
    private final AtomicInteger acquires = new AtomicInteger();
    private volatile boolean storeFails;
    private final ForwardingKeyStore store = new ForwardingKeyStore(memory) {
        @Override
        protected void beforeLookup(KeyDigest digest) {
            lookups.incrementAndGet();
            if (storeFails) {
                throw new IllegalStateException("store down");
            }
        }
    };
    private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
    private final dev.apikey.local.LocalRateLimiter local = new dev.apikey.local.LocalRateLimiter();
    private final RateLimiter limiter = (bucket, policy, now) -> {
        acquires.incrementAndGet();
        return local.tryAcquire(bucket, policy, now);
    };

    private Pipeline pipeline(VerifierConfig config) {
        return new Pipeline(config, new Pipeline.Parts(store, FORMAT, KeyHasher.sha256(), clock, limiter,
                new LocalUsageCounters(clock), events::add, new LastUsedRecorder(store, Runnable::run), null), 1, 1);
    }

    private final Pipeline pipeline = pipeline(VerifierConfig.custom().defaultRateLimit(RateLimitPolicy.parse("100/1m"))
            .clientThrottle(new ClientThrottle(true, RateLimit.parse("3/1h"), 100, List.of())).build());

    private ApiKey stored(String... scopes) {
        ApiKey k = Requests.key();
        memory.create(Requests.recordOf(k).scopes(ScopeSet.parse(scopes)).build());
        return k;
    }

    @Test
    void aCredentialOutsideTheAlphabetIsRefusedByTheFormatBeforeAnyStoreCall() {
        String k = stored("a:b").reveal();
        String text = k.substring(0, 12) + '-' + k.substring(13, k.length() - 6);
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.US_ASCII));
        String forged = text + Base62.encodeFixed(crc.getValue(), 6);
        Decision d = pipeline.verify(request("X-API-Key", forged).build());
        assertThat(d.outcome()).isEqualTo(Outcome.MALFORMED_KEY);
        assertThat(lookups).as("store lookups").hasValue(0);
        assertThat(pipeline.verify(request("X-API-Key", k).build()).isAllowed()).isTrue();
        assertThat(lookups).hasValue(1);
    }

    @Test
    void aValidKeyPassesEveryStageAndIsCountedOnce() {
        ApiKey k = stored("a:b");
        Decision d = pipeline.verify(request("X-API-Key", k.reveal()).requirement(ScopeRequirement.all("a:b")).build());
        assertThat(d.isAllowed()).isTrue();
        assertThat(d.principal().scopes()).isEqualTo(ScopeSet.parse("a:b"));
        assertThat(d.header("RateLimit")).contains("r=99");
        assertThat(acquires).hasValue(1);
        assertThat(events).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.ALLOWED));
        assertThat(memory.findById(events.get(0).keyId()).orElseThrow().lastUsed()).isEqualTo(NOW);
    }

    @Test
    void aRefusalEndsTheRequestBeforeTheLaterStages() {
        assertThat(pipeline.verify(request("X-API-Key", Requests.key().reveal()).build()).outcome())
                .isEqualTo(Outcome.UNKNOWN_KEY);
        assertThat(acquires).as("an unknown key is not counted against any limit").hasValue(0);
        ApiKey k = stored("a:b");
        Decision scope = pipeline.verify(request("X-API-Key", k.reveal()).requirement(ScopeRequirement.all("c:d")).build());
        assertThat(scope.outcome()).isEqualTo(Outcome.INSUFFICIENT_SCOPE);
        assertThat(acquires).as("the scope is checked after the limits").hasValue(1);
    }

    @Test
    void failedAttemptsAreThrottledPerClientAndOnlyThey() {
        ApiKey k = stored("a:b");
        for (int i = 0; i < 3; i++) {
            assertThat(pipeline.verify(request("X-API-Key", "ak_live_nope").build()).outcome()).isEqualTo(Outcome.MALFORMED_KEY);
        }
        assertThat(pipeline.verify(request("X-API-Key", Requests.key().reveal()).build()).outcome())
                .isEqualTo(Outcome.CLIENT_THROTTLED);
        assertThat(pipeline.verify(request().build()).outcome()).as("a missing key is not a failed attempt")
                .isEqualTo(Outcome.MISSING_KEY);
        assertThat(pipeline.verify(request("X-API-Key", k.reveal()).build()).isAllowed())
                .as("a key that verifies is never refused by the throttle").isTrue();
    }

    @Test
    void aFailingStoreFailsClosedAndEveryAnswerIsAudited() {
        storeFails = true;
        Decision d = pipeline.verify(request("X-API-Key", stored("a:b").reveal()).build());
        assertThat(d.outcome()).isEqualTo(Outcome.STORE_UNAVAILABLE);
        assertThat(d.status()).isEqualTo(503);
        Decision path = pipeline.rejectInvalidPath(request().path("/a/%2e%2e/b").build());
        assertThat(path.outcome()).isEqualTo(Outcome.INVALID_PATH);
        assertThat(events).extracting(AuditEvent::outcome).containsExactly(Outcome.STORE_UNAVAILABLE, Outcome.INVALID_PATH);
    }

    @Test
    void aSinkThatWantsDecisionsGetsTheirDurations() {
        ApiKey k = stored("a:b");
        pipeline.verify(request("X-API-Key", k.reveal()).build());
        assertThat(events).singleElement().satisfies(e -> assertThat(e.durationNanos()).isPositive());
    }

    @Test
    void withoutAnObserverOrASinkThatWantsDecisionsNothingIsTimed() {
        java.util.concurrent.atomic.AtomicBoolean wanting = new java.util.concurrent.atomic.AtomicBoolean();
        dev.apikey.spi.AuditSink changing = new dev.apikey.spi.AuditSink() {
            @Override
            public void record(AuditEvent event) {
                events.add(event);
            }

            @Override
            public boolean wants(Outcome outcome) {
                return wanting.get();
            }
        };
        Pipeline untimed = new Pipeline(VerifierConfig.ofDefaults(), new Pipeline.Parts(store, FORMAT,
                KeyHasher.sha256(), clock, limiter, new LocalUsageCounters(clock), changing,
                new LastUsedRecorder(store, Runnable::run), null), 1, 1);
        wanting.set(true);  // a sink that wanted nothing when the verifier was built
        untimed.verify(request("X-API-Key", stored("a:b").reveal()).build());
        assertThat(events).singleElement().satisfies(e -> assertThat(e.durationNanos()).isZero());
    }
}
