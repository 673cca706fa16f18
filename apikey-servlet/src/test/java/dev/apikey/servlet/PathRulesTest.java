package dev.apikey.servlet;

import dev.apikey.RequiresScope;
import dev.apikey.ScopeRequirement;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rule parsing and choice, without a container. */
class PathRulesTest {
    private final PathRules rules = PathRules.builder()
            .publicPaths("/health\nGET,HEAD /docs/*")
            .rules("""
                    # billing
                    GET /billing/* billing:read
                    HEAD /billing/export billing:export
                    POST /billing/* billing:write
                    GET /billing/admin/* billing:admin
                    * /ops/* ops:run
                    GET /any/* a:x|b:y
                    """)
            .build();

    private ScopeRequirement need(String method, String path) {
        PathRules.Access a = rules.accessFor(method, path);
        assertThat(a.isPublic()).as("%s %s is public", method, path).isFalse();
        return a.requirement();
    }

    @Test
    void exactMethodRuleApplies() {
        assertThat(need("GET", "/billing/x")).isEqualTo(ScopeRequirement.all("billing:read"));
        assertThat(need("POST", "/billing/x")).isEqualTo(ScopeRequirement.all("billing:write"));
    }

    @Test
    void headFallsBackToGetUnlessItHasItsOwnRule() {
        assertThat(need("HEAD", "/billing/x")).isEqualTo(ScopeRequirement.all("billing:read"));
        assertThat(need("HEAD", "/billing/export")).isEqualTo(ScopeRequirement.all("billing:export"));
        assertThat(need("GET", "/billing/export")).isEqualTo(ScopeRequirement.all("billing:read"));
    }

    @Test
    void unruledMethodNeedsEveryScopeOfEveryMatchingRule() {
        assertThat(need("DELETE", "/billing/admin/x"))
                .isEqualTo(ScopeRequirement.all("billing:admin", "billing:read", "billing:write"));
        assertThat(need("get", "/billing/x")).isEqualTo(ScopeRequirement.all("billing:read", "billing:write"));
    }

    @Test
    void wildcardMethodRuleCoversEveryMethod() {
        assertThat(need("PATCH", "/ops/restart")).isEqualTo(ScopeRequirement.all("ops:run"));
        assertThat(need("GET", "/ops")).isEqualTo(ScopeRequirement.all("ops:run"));
    }

    @Test
    void prefixMatchesWholeSegmentsOnly() {
        assertThat(need("GET", "/billingfoo")).isEqualTo(ScopeRequirement.none());
        assertThat(need("GET", "/billing")).isEqualTo(ScopeRequirement.all("billing:read"));
    }

    @Test
    void anyOfSyntaxGivesAnAnyRequirement() {
        assertThat(need("GET", "/any/1").mode()).isEqualTo(RequiresScope.Mode.ANY);
    }

    @Test
    void publicEntriesApplyToTheirMethodsAndExactCase() {
        assertThat(rules.accessFor("POST", "/health").isPublic()).isTrue();
        assertThat(rules.accessFor("HEAD", "/docs/a").isPublic()).isTrue();
        assertThat(rules.accessFor("DELETE", "/docs/a").isPublic()).isFalse();
        assertThat(rules.accessFor("GET", "/Health").isPublic()).isFalse();
    }

    @Test
    void badRulesFailNamingTheLine() {
        assertThatThrownBy(() -> PathRules.builder().rules("GET billing/* a:b")).hasMessageContaining("start with '/'");
        assertThatThrownBy(() -> PathRules.builder().rules("GET /bil*ing a:b")).hasMessageContaining("'/prefix/*'");
        assertThatThrownBy(() -> PathRules.builder().rules("GET /a/../b a:b")).hasMessageContaining("dot segments");
        assertThatThrownBy(() -> PathRules.builder().rules("get /a a:b")).hasMessageContaining("upper-case");
        assertThatThrownBy(() -> PathRules.builder().rules("GET /a a:b|c:d e:f")).hasMessageContaining("not both");
        assertThatThrownBy(() -> PathRules.builder().rules("GET")).hasMessageContaining("METHODS PATTERN");
        assertThatThrownBy(() -> PathRules.builder().rules("GET /a a:b\nGET,POST /A c:d")).hasMessageContaining("already covers");
        assertThatThrownBy(() -> PathRules.builder().publicPaths("/a\n/a")).hasMessageContaining("already covers");
        assertThatThrownBy(() -> PathRules.builder().publicPaths("GET /a b")).hasMessageContaining("[METHODS] PATTERN");
    }
}
