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
    void headNeedsWhatGetNeedsAndWhatItsOwnRuleAddsToThat() {
        // HttpServlet, JAX-RS and Spring MVC answer HEAD with the GET handler: a HEAD rule cannot ask for less.
        assertThat(need("HEAD", "/billing/x")).isEqualTo(ScopeRequirement.all("billing:read"));
        assertThat(need("HEAD", "/billing/export")).isEqualTo(ScopeRequirement.all("billing:export", "billing:read"));
        assertThat(need("GET", "/billing/export")).isEqualTo(ScopeRequirement.all("billing:read"));
        PathRules r = PathRules.builder().publicPaths("HEAD /status").rules("""
                GET /status status:read
                GET /same/* a:x|b:y
                HEAD /same/* a:x|b:y
                """).build();
        assertThat(r.accessFor("HEAD", "/status")).isEqualTo(r.accessFor("GET", "/status"));
        assertThat(r.accessFor("HEAD", "/same/1").requirement()).isEqualTo(ScopeRequirement.any("a:x", "b:y"));
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
    void rulesAnswerAnyPathAsTheyAnswerItsLowerCase() {
        // Rules match the lower case of the path; most paths are decided on their ASCII chars without making it.
        // Non-ASCII chars whose lower case is ASCII (KELVIN SIGN, I WITH DOT ABOVE), longer (I WITH DOT ABOVE)
        // or depends on what follows (capital sigma), in the path and in patterns, must give the same answers.
        PathRules r = PathRules.builder().rules("""
                GET /billing/* billing:read
                GET /i/* i:x
                GET /\u017f/* longs:x
                GET /k k:exact
                GET /\u00e9t\u00e9/* summer:x
                GET /ab ab:exact
                * /sys/* sys:x
                """).build();
        String[] parts = {"/", "/", "a", "B", "b", "i", "I", "k", "K", "\u212a", "\u0130", "\u0131", "\u03a3", "\u00e9",
                "\u00c9", "\u017f", "s", "S", "t", "T", "billing", "BILLING", "sys", "SyS", "x"};
        java.util.Random random = new java.util.Random(8);
        int checked = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder p = new StringBuilder("/");
            for (int n = random.nextInt(6); n > 0; n--) {
                p.append(parts[random.nextInt(parts.length)]);
            }
            String path = p.toString();
            for (String method : new String[] {"GET", "POST"}) {
                assertThat(r.accessFor(method, path)).as("%s %s", method, path)
                        .isEqualTo(r.accessFor(method, path.toLowerCase(java.util.Locale.ROOT)));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(40_000);
        assertThat(r.accessFor("GET", "/\u212a").requirement()).isEqualTo(ScopeRequirement.all("k:exact"));
        assertThat(r.accessFor("GET", "/\u0130/x").requirement()).isEqualTo(ScopeRequirement.none());
        assertThat(r.accessFor("GET", "/I/x").requirement()).isEqualTo(ScopeRequirement.all("i:x"));
        assertThat(r.accessFor("GET", "/\u00c9T\u00c9").requirement()).isEqualTo(ScopeRequirement.all("summer:x"));
        assertThat(r.accessFor("GET", "/AB").requirement()).isEqualTo(ScopeRequirement.all("ab:exact"));
        assertThat(r.accessFor("GET", "/ab\u0130").requirement()).isEqualTo(ScopeRequirement.none());
        assertThat(r.accessFor("GET", "/Billing\u0130").requirement()).isEqualTo(ScopeRequirement.none());
        assertThat(r.accessFor("GET", "/BILLING/\u0130").requirement()).isEqualTo(ScopeRequirement.all("billing:read"));
    }

    /** Issue 26, item 1: the rules of {@code GET /billing/summary billing:admin} and {@code GET /billing/* billing:read}. */
    private final PathRules summary = PathRules.builder()
            .publicPaths("/health\nGET /favicon.ico\nGET /static/*")
            .rules("""
                    GET /billing/summary billing:admin
                    GET /billing/* billing:read
                    POST /billing/* billing:write
                    * /ops/restart ops:admin
                    GET /report.v2 reports:v2
                    GET /* api:read
                    GET /static/secret static:admin
                    GET /any/* a:x|b:y
                    GET /any/one a:x|b:y
                    """)
            .build();

    private ScopeRequirement summaryNeeds(String method, String path) {
        PathRules.Access a = summary.accessFor(method, path);
        assertThat(a.isPublic()).as("%s %s is public", method, path).isFalse();
        return a.requirement();
    }

    @Test
    void trailingSlashNeedsTheExactRuleOfThePathWithoutIt() {
        ScopeRequirement both = ScopeRequirement.all("billing:read", "billing:admin");
        for (String path : new String[] {"/billing/summary/", "/billing/summary//", "/billing/summary///", "/BILLING/Summary/"}) {
            assertThat(summaryNeeds("GET", path)).as(path).isEqualTo(both);
            assertThat(summaryNeeds("HEAD", path)).as("HEAD %s", path).isEqualTo(both);
        }
        assertThat(summaryNeeds("GET", "/billing/summary")).isEqualTo(ScopeRequirement.all("billing:admin"));
        assertThat(summaryNeeds("GET", "/billing/other/")).isEqualTo(ScopeRequirement.all("billing:read"));
    }

    @Test
    void emptySegmentsAndPathParametersNeedTheRulesOfThePathWithoutThem() {
        // The filter refuses these with 400 before any rule applies; the rules hold on their own as well. As
        // sent, some match only "/*" (api:read); each needs the exact rule's billing:admin too.
        ScopeRequirement both = ScopeRequirement.all("billing:read", "billing:admin");
        for (String path : new String[] {"/billing//summary", "/billing/summary;x=1", "/billing/summary/;x=1",
                "/billing/;/summary", "/billing/summary;"}) {
            assertThat(summaryNeeds("GET", path)).as(path).isEqualTo(both);
        }
        for (String path : new String[] {"//billing/summary", "/billing;a=b/summary", "/;/billing/summary"}) {
            assertThat(summaryNeeds("GET", path)).as(path).isEqualTo(ScopeRequirement.all("api:read", "billing:admin"));
        }
    }

    @Test
    void dottedLastSegmentNeedsTheRulesOfEachShorterName() {
        // Spring's suffix pattern matching and JAX-RS URI content negotiation route /x.json to the handler of /x.
        ScopeRequirement both = ScopeRequirement.all("billing:read", "billing:admin");
        for (String path : new String[] {"/billing/summary.json", "/billing/summary.JSON", "/billing/summary.tar.gz",
                "/billing/summary.json/", "/Billing/Summary.", "/billing/summary..x"}) {
            assertThat(summaryNeeds("GET", path)).as(path).isEqualTo(both);
        }
        assertThat(summaryNeeds("GET", "/billing.csv")).as("a prefix rule's bare path")
                .isEqualTo(ScopeRequirement.all("api:read", "billing:read"));
        assertThat(summaryNeeds("GET", "/report.v2.json")).isEqualTo(ScopeRequirement.all("api:read", "reports:v2"));
        // A dot that starts the segment leaves no shorter name: /.well-known is not /.
        assertThat(summaryNeeds("GET", "/billing/.summary")).isEqualTo(ScopeRequirement.all("billing:read"));
        assertThat(summaryNeeds("GET", "/billing/x.y/summary")).isEqualTo(ScopeRequirement.all("billing:read"));
    }

    @Test
    void pathNamedByAnExactPatternIsDecidedByItsOwnEntries() {
        assertThat(summary.accessFor("GET", "/favicon.ico").isPublic()).isTrue();
        assertThat(summaryNeeds("GET", "/report.v2")).isEqualTo(ScopeRequirement.all("reports:v2"));
    }

    @Test
    void publicPathsStayExactAndNeverOpenAStricterPathsOtherSpelling() {
        assertThat(summaryNeeds("GET", "/health/")).isEqualTo(ScopeRequirement.all("api:read"));
        assertThat(summaryNeeds("GET", "/favicon.ico/")).isEqualTo(ScopeRequirement.all("api:read"));
        assertThat(summary.accessFor("GET", "/static/app.js").isPublic()).isTrue();
        assertThat(summary.accessFor("GET", "/static/").isPublic()).isTrue();
        assertThat(summaryNeeds("GET", "/static/secret/")).isEqualTo(ScopeRequirement.all("static:admin"));
        assertThat(summaryNeeds("GET", "/static/secret.txt")).isEqualTo(ScopeRequirement.all("static:admin"));
    }

    @Test
    void methodlessRulesHoldOnEverySpellingForEveryMethod() {
        for (String method : new String[] {"GET", "HEAD", "POST", "DELETE"}) {
            for (String path : new String[] {"/ops/restart", "/ops/restart/", "/ops/restart.json", "/OPS/restart/"}) {
                assertThat(summaryNeeds(method, path).text().split(" ")).as("%s %s", method, path).contains("ops:admin");
            }
        }
    }

    @Test
    void unruledMethodOnAnotherSpellingStillNeedsEveryScopeOfThePath() {
        assertThat(summaryNeeds("DELETE", "/billing/summary/"))
                .isEqualTo(ScopeRequirement.all("billing:read", "billing:write", "api:read", "billing:admin"));
        assertThat(summaryNeeds("POST", "/billing/summary/")).isEqualTo(ScopeRequirement.all("billing:write"));
    }

    @Test
    void spellingsWithTheSameRequirementKeepItsMode() {
        assertThat(summaryNeeds("GET", "/any/one/")).isEqualTo(ScopeRequirement.any("a:x", "b:y"));
        assertThat(summaryNeeds("GET", "/any/one.json")).isEqualTo(ScopeRequirement.any("a:x", "b:y"));
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
