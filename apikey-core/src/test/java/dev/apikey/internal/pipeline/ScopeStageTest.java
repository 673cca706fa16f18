package dev.apikey.internal.pipeline;

import dev.apikey.ApiKey;
import dev.apikey.Outcome;
import dev.apikey.RateLimitPolicy;
import dev.apikey.ScopeRequirement;
import dev.apikey.ScopeSet;
import dev.apikey.local.Gcra;
import org.junit.jupiter.api.Test;

import static dev.apikey.internal.pipeline.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

class ScopeStageTest {
    private final ScopeStage stage = new ScopeStage(Requests.responses());
    private final ApiKey key = Requests.key();

    private Attempt needing(ScopeRequirement requirement, String... scopes) {
        return Requests.found(request().requirement(requirement).build(), key,
                Requests.recordOf(key).scopes(ScopeSet.parse(scopes)).build());
    }

    @Test
    void aKeyWithTheScopesGoesOn() {
        assertThat(stage.check(needing(ScopeRequirement.all("billing:read"), "billing:*"))).isNull();
        assertThat(stage.check(needing(ScopeRequirement.any("a:b", "c:d"), "c:d"))).isNull();
    }

    @Test
    void aKeyWithoutThemIsRefusedNamingWhatIsNeeded() {
        var d = stage.check(needing(ScopeRequirement.all("billing:write"), "billing:read"));
        assertThat(d.outcome()).isEqualTo(Outcome.INSUFFICIENT_SCOPE);
        assertThat(d.status()).isEqualTo(403);
        assertThat(d.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"", "scope=\"billing:write\"");
        assertThat(d.body()).contains("lacks the required scope: billing:write");
        assertThat(stage.check(needing(ScopeRequirement.any("a:b", "c:d"), "e:f")).body()).contains("needs one of the scopes");
    }

    @Test
    void theRefusalCarriesTheRateLimitStateTheRequestWasCountedIn() {
        Attempt a = needing(ScopeRequirement.all("billing:write"), "billing:read");
        a.policy = RateLimitPolicy.parse("10/1m");
        a.rateLimit = Gcra.tryAcquire(a.policy, new long[1], 0);
        var d = stage.check(a);
        assertThat(d.rateLimit()).isSameAs(a.rateLimit);
        assertThat(d.header("RateLimit-Policy")).isNotNull();
        assertThat(d.header("RateLimit")).contains("r=9");
    }
}
