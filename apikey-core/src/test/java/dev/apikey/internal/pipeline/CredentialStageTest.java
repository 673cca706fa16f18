package dev.apikey.internal.pipeline;

import dev.apikey.Outcome;
import dev.apikey.VerifierConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.apikey.internal.pipeline.Requests.attempt;
import static dev.apikey.internal.pipeline.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

class CredentialStageTest {
    private final CredentialStage stage = new CredentialStage(VerifierConfig.ofDefaults(), Requests.responses());

    private Outcome outcomeOf(Attempt a) {
        var d = stage.check(a);
        return d == null ? null : d.outcome();
    }

    @Test
    void theOneCredentialIsTakenFromTheHeaderOrEitherAuthorizationSchemeTrimmed() {
        for (String[] pairs : new String[][] {{"X-API-Key", " abc\t"}, {"Authorization", "Bearer abc"},
                {"authorization", "apikey   abc "}}) {
            Attempt a = attempt(request(pairs).build());
            assertThat(stage.check(a)).isNull();
            assertThat(a.credential).isEqualTo("abc");
        }
    }

    @Test
    void noCredentialOrOnlyOtherSchemesIsAMissingKey() {
        assertThat(outcomeOf(attempt(request().build()))).isEqualTo(Outcome.MISSING_KEY);
        assertThat(outcomeOf(attempt(request("Authorization", "Basic abc").build()))).isEqualTo(Outcome.MISSING_KEY);
        assertThat(outcomeOf(attempt(request("X-API-Key", "  ").build()))).isEqualTo(Outcome.MISSING_KEY);
    }

    @Test
    void theSameCredentialTwiceCountsOnceAndTwoDifferentOnesAreAmbiguous() {
        Attempt same = attempt(request("X-API-Key", "abc", "Authorization", "Bearer abc").build());
        assertThat(stage.check(same)).isNull();
        assertThat(same.credential).isEqualTo("abc");
        assertThat(outcomeOf(attempt(request("X-API-Key", "abc", "X-API-Key", "abd").build())))
                .isEqualTo(Outcome.AMBIGUOUS_CREDENTIALS);
        assertThat(outcomeOf(attempt(request("X-API-Key", "abc", "X-API-Key", "ab\u0001").build())))
                .as("one of two with a control char").isEqualTo(Outcome.BAD_CREDENTIAL);
    }

    @Test
    void tooLongOrTooManyValuesAreABadCredential() {
        String tooLong = "a".repeat(VerifierConfig.MAX_CREDENTIAL_LENGTH + 1);
        assertThat(outcomeOf(attempt(request("X-API-Key", tooLong).build()))).isEqualTo(Outcome.BAD_CREDENTIAL);
        String[] many = new String[2 * (VerifierConfig.MAX_CREDENTIAL_VALUES + 1)];
        for (int i = 0; i < many.length; i += 2) {
            many[i] = "X-API-Key";
            many[i + 1] = "abc";
        }
        assertThat(outcomeOf(attempt(request(many).build()))).isEqualTo(Outcome.BAD_CREDENTIAL);
    }

    @Test
    void theQueryParameterIsReadOnlyWhenConfigured() {
        var withQuery = new CredentialStage(VerifierConfig.custom().queryParameter("api_key").build(), Requests.responses());
        Map<String, List<String>> q = Map.of("api_key", List.of("abc"));
        Attempt a = attempt(request().queryParameters(n -> q.getOrDefault(n, List.of())).build());
        assertThat(withQuery.check(a)).isNull();
        assertThat(a.credential).isEqualTo("abc");
        assertThat(outcomeOf(attempt(request().queryParameters(n -> q.getOrDefault(n, List.of())).build())))
                .isEqualTo(Outcome.MISSING_KEY);
    }

    @Test
    void controlCharactersAreC0DelAndC1() {
        assertThat(CredentialStage.hasControl("a\u0000")).isTrue();
        assertThat(CredentialStage.hasControl("a\u007f")).isTrue();
        assertThat(CredentialStage.hasControl("a\u0085")).isTrue();
        assertThat(CredentialStage.hasControl("a\u00a0\u00e9 ~")).isFalse();
    }
}
