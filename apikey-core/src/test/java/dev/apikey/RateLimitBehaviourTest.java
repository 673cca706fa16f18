package dev.apikey;

import dev.apikey.spi.RateLimitResult;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitBehaviourTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));
    private final InMemoryKeyStore store = new InMemoryKeyStore();
    private final KeyManager manager = KeyManager.builder(store).clock(clock).build();
    private final ApiKeyVerifier verifier = ApiKeyVerifier.builder(store).from(manager)
            .auditSink(e -> { }).lastUsedExecutor(Runnable::run).build();

    private String key(String policy) {
        return manager.issue(KeyRequest.builder().owner("o").rateLimit(policy).build()).key().reveal();
    }

    private Decision call(String key) {
        return verifier.verify(AccessRequest.builder().remoteAddress("127.0.0.1")
                .headers(n -> n.equalsIgnoreCase("x-api-key") ? List.of(key) : List.of()).build());
    }

    private int passing(String key, int attempts) {
        int ok = 0;
        for (int i = 0; i < attempts; i++) {
            if (call(key).isAllowed()) {
                ok++;
            }
        }
        return ok;
    }

    @Test
    void ofNPlusKRequestsInAWindowExactlyNPassAndTheNextWindowAdmitsAgain() {
        String k = key("10/1m");
        assertThat(passing(k, 15)).isEqualTo(10);
        clock.advance(Duration.ofSeconds(59));
        assertThat(passing(k, 15)).isEqualTo(9);
        clock.advance(Duration.ofMinutes(1));
        assertThat(passing(k, 15)).isEqualTo(10);
    }

    @Test
    void burstLimitsHowManyComeAtOnceWhileTheRateStaysTheSame() {
        String k = key("60/1m burst 5");
        assertThat(passing(k, 10)).isEqualTo(5);
        clock.advance(Duration.ofSeconds(1));
        assertThat(passing(k, 10)).isEqualTo(1);
        clock.advance(Duration.ofSeconds(3));
        assertThat(passing(k, 10)).isEqualTo(3);
    }

    @Test
    void withSeveralLimitsTheMostRestrictiveAnswersAndTheHeadersSayWhich() {
        String k = key("100/1s, 3/1h");
        for (int i = 0; i < 3; i++) {
            Decision d = call(k);
            assertThat(d.isAllowed()).isTrue();
            assertThat(d.header("RateLimit-Policy")).isEqualTo("\"100-per-1s\";q=100;w=1, \"3-per-1h\";q=3;w=3600");
            assertThat(d.header("RateLimit")).startsWith("\"3-per-1h\";r=" + (2 - i) + ";");
        }
        Decision denied = call(k);
        assertThat(denied.status()).isEqualTo(429);
        assertThat(denied.header("RateLimit")).startsWith("\"3-per-1h\";r=0;");
        assertThat(denied.header("Retry-After")).isEqualTo("1200");
    }

    @Test
    void theDecisionCarriesLimitRemainingResetAndRetryAfter() {
        String k = key("2/1m");
        Decision first = call(k);
        assertThat(first.retryAfterSeconds()).isZero();
        RateLimitResult.LimitState s = first.rateLimit().decisive();
        assertThat(s.limit()).isEqualTo(RateLimit.parse("2/1m"));
        assertThat(s.remaining()).isEqualTo(1);
        assertThat(s.resetNanos()).isEqualTo(Duration.ofSeconds(30).toNanos());
        call(k);
        Decision denied = call(k);
        assertThat(denied.status()).isEqualTo(429);
        assertThat(denied.rateLimit().allowed()).isFalse();
        assertThat(denied.rateLimit().decisive().remaining()).isZero();
        assertThat(denied.rateLimit().retryAfterNanos()).isEqualTo(Duration.ofSeconds(30).toNanos());
        assertThat(denied.retryAfterSeconds()).isEqualTo(30);
        assertThat(call(manager.issue(KeyRequest.builder().owner("o").build()).key().reveal()).rateLimit()).isNull();
    }

    @Test
    void anAdmittedRequestsHeadersSayWhatItsResultSays() {
        // Headers asked first are rendered from the limiter's answer; the result built afterwards must agree.
        for (String policy : List.of("60/1m burst 5", "7/1s burst 3", "1/2s")) {
            String k = key(policy);
            String name = RateLimit.parse(policy).name();
            java.util.Random random = new java.util.Random(policy.hashCode());
            int admitted = 0;
            for (int i = 0; i < 300; i++) {
                Decision d = call(k);
                if (d.isAllowed()) {
                    admitted++;
                    String header = d.header("RateLimit");
                    RateLimitResult.LimitState s = d.rateLimit().decisive();
                    long reset = (s.resetNanos() + 999_999_999L) / 1_000_000_000L;
                    assertThat(header).isEqualTo("\"" + name + "\";r=" + s.remaining() + ";t=" + reset);
                    assertThat(s.remaining()).isBetween(0L, RateLimit.parse(policy).burst());
                }
                clock.advance(Duration.ofMillis(random.nextInt(4) == 0 ? random.nextInt(3000) : random.nextInt(20)));
            }
            assertThat(admitted).as(policy).isGreaterThan(1);
        }
        Decision first = call(key("10/1m"));
        assertThat(first.header("RateLimit")).isEqualTo("\"10-per-1m\";r=9;t=6");
    }

    @Test
    void aDeniedRequestTakesNoPermitFromTheOtherLimits() {
        String k = key("2/1h, 4/1d");
        assertThat(passing(k, 5)).isEqualTo(2);
        clock.advance(Duration.ofHours(1));
        assertThat(passing(k, 5)).isEqualTo(2);
        assertThat(call(k).header("RateLimit")).isNotNull();
    }

    @Test
    void eightThreadsOnOneKeyNeverAdmitMoreThanTheLimit() throws Exception {
        String k = key("500/1h");
        AtomicInteger admitted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < 8; t++) {
            pool.submit(() -> {
                start.await();
                for (int i = 0; i < 250; i++) {
                    if (call(k).isAllowed()) {
                        admitted.incrementAndGet();
                    }
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        assertThat(admitted.get()).isEqualTo(500);
    }

    @Test
    void theDefaultPolicyAppliesToKeysWithoutOne() {
        ApiKeyVerifier v = ApiKeyVerifier.builder(store).from(manager).auditSink(e -> { })
                .defaultRateLimit(RateLimitPolicy.parse("2/1m")).build();
        String k = manager.issue(KeyRequest.builder().owner("o").build()).key().reveal();
        AccessRequest r = AccessRequest.builder().headers(n -> n.equalsIgnoreCase("x-api-key") ? List.of(k) : List.of()).build();
        assertThat(v.verify(r).isAllowed()).isTrue();
        assertThat(v.verify(r).isAllowed()).isTrue();
        assertThat(v.verify(r).status()).isEqualTo(429);
    }

    @Test
    void headersCanBeTurnedOff() {
        ApiKeyVerifier v = ApiKeyVerifier.builder(store).from(manager).auditSink(e -> { }).rateLimitHeaders(false).build();
        String k = key("2/1m");
        AccessRequest r = AccessRequest.builder().headers(n -> n.equalsIgnoreCase("x-api-key") ? List.of(k) : List.of()).build();
        assertThat(v.verify(r).headers()).isEmpty();
    }

    @Test
    void quotasCountPerUtcDayAndResetAtMidnight() {
        clock.set(Instant.parse("2026-05-01T23:59:00Z"));
        String k = manager.issue(KeyRequest.builder().owner("o").quota("2/day").build()).key().reveal();
        assertThat(passing(k, 3)).isEqualTo(2);
        Decision d = call(k);
        assertThat(d.status()).isEqualTo(429);
        assertThat(d.header("Retry-After")).isEqualTo("60");
        clock.set(Instant.parse("2026-05-02T00:00:00Z"));
        assertThat(passing(k, 3)).isEqualTo(2);
    }

    @Test
    void monthlyQuotasResetOnTheFirst() {
        clock.set(Instant.parse("2026-05-31T12:00:00Z"));
        String k = manager.issue(KeyRequest.builder().owner("o").quota("1/month").build()).key().reveal();
        assertThat(passing(k, 2)).isEqualTo(1);
        clock.set(Instant.parse("2026-06-01T00:00:01Z"));
        assertThat(passing(k, 2)).isEqualTo(1);
    }

    @Test
    void creditsAreSpentOnceAndNeverComeBack() {
        String k = manager.issue(KeyRequest.builder().owner("o").credits(3).build()).key().reveal();
        assertThat(passing(k, 5)).isEqualTo(3);
        clock.advance(Duration.ofDays(40));
        Decision d = call(k);
        assertThat(d.status()).isEqualTo(429);
        assertThat(d.problem()).isEqualTo(Problem.QUOTA_EXCEEDED);
        assertThat(d.outcome()).isEqualTo(Outcome.CREDITS_EXHAUSTED);
    }

    @Test
    void gcraRemainingAndResetAreReported() {
        RateLimitPolicy p = RateLimitPolicy.parse("4/4s");
        long[] tats = new long[1];
        long now = 1_000_000_000_000L;
        RateLimitResult r = dev.apikey.local.Gcra.tryAcquire(p, tats, now);
        assertThat(r.allowed()).isTrue();
        assertThat(r.decisive().remaining()).isEqualTo(3);
        assertThat(r.decisive().resetNanos()).isEqualTo(1_000_000_000L);
    }
}
