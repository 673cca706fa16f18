package dev.apikey.internal.pipeline;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.apikey.ApiKey;
import dev.apikey.Decision;
import dev.apikey.Outcome;
import dev.apikey.Problem;
import dev.apikey.RateLimitPolicy;
import dev.apikey.VerifierConfig;
import dev.apikey.local.Gcra;
import dev.apikey.spi.RateLimitResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResponsesTest {
    private final Responses responses = Requests.responses();

    @Test
    void everyFixedAnswerIsAProblemOfItsOutcomeThatIsNeverCached() throws Exception {
        for (Outcome o : Outcome.values()) {
            if (o == Outcome.ALLOWED || o == Outcome.CLIENT_THROTTLED || o == Outcome.RATE_LIMITED
                    || o == Outcome.QUOTA_EXCEEDED || o == Outcome.CREDITS_EXHAUSTED || o == Outcome.INSUFFICIENT_SCOPE) {
                continue;
            }
            Decision d = responses.of(o);
            assertThat(d.outcome()).isEqualTo(o);
            assertThat(d.status()).isEqualTo(o.problem().status());
            assertThat(d.header("Cache-Control")).isEqualTo("no-store");
            Map<String, Object> body = JSON.std.mapFrom(d.body());
            assertThat(body).containsEntry("type", "https://apikey.dev/problems/" + o.problem().slug())
                    .containsEntry("title", o.problem().title()).containsEntry("status", o.problem().status());
        }
    }

    @Test
    void anOutcomeThatNeedsMoreThanItselfCannotBeRenderedFixed() {
        assertThatThrownBy(() -> responses.of(Outcome.RATE_LIMITED)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theChallengesNameTheRealmAndTheConfiguredTypeBaseIsUsed() {
        Responses custom = new Responses(VerifierConfig.custom().realm("shop").problemTypeBase("urn:x:").build());
        assertThat(custom.of(Outcome.MISSING_KEY).header("WWW-Authenticate")).isEqualTo("ApiKey realm=\"shop\"");
        assertThat(custom.of(Outcome.UNKNOWN_KEY).header("WWW-Authenticate"))
                .isEqualTo("ApiKey realm=\"shop\", error=\"invalid_key\"");
        assertThat(custom.of(Outcome.UNKNOWN_KEY).body()).contains("\"type\":\"urn:x:invalid-key\"");
        assertThat(custom.of(Outcome.MALFORMED_KEY).body()).isEqualTo(custom.of(Outcome.UNKNOWN_KEY).body());
    }

    @Test
    void waitsAreWholeSecondsRoundedUpAndAtLeastOne() {
        assertThat(responses.throttled(1).retryAfterSeconds()).isEqualTo(1);
        assertThat(responses.throttled(1_000_000_001L).retryAfterSeconds()).isEqualTo(2);
        assertThat(responses.throttled(1).problem()).isEqualTo(Problem.TOO_MANY_FAILURES);
        assertThat(responses.of(Outcome.STORE_UNAVAILABLE).retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void anAllowedAnswerCarriesTheRateLimitHeadersAndTheCacheHeadersUnlessTurnedOff() {
        RateLimitPolicy policy = RateLimitPolicy.parse("10/1m, 100/1h");
        RateLimitResult result = Gcra.tryAcquire(policy, new long[2], 0);
        Decision d = responses.allowed(null, policy, result);
        assertThat(d.isAllowed()).isTrue();
        assertThat(d.rateLimit()).isSameAs(result);
        assertThat(d.header("RateLimit-Policy")).isEqualTo("\"10-per-1m\";q=10;w=60, \"100-per-1h\";q=100;w=3600");
        assertThat(d.header("RateLimit")).startsWith("\"10-per-1m\";r=9;t=");
        assertThat(d.cacheControl()).isEqualTo("private, no-store");
        assertThat(d.vary(List.of("Accept"))).isEqualTo("Accept, X-API-Key");
        Responses off = new Responses(VerifierConfig.custom().rateLimitHeaders(false).privateCacheControl(false)
                .varyOnKeyHeader(false).build());
        Decision bare = off.allowed(null, policy, result);
        assertThat(bare.headers()).isEmpty();
        assertThat(bare.cacheControl()).isNull();
        assertThat(bare.vary(List.of())).isNull();
    }
}
