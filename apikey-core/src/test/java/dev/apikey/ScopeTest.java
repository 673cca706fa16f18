package dev.apikey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScopeTest {

    @Test
    void wildcardsGrantWhatTheirPrefixCovers() {
        ScopeSet s = ScopeSet.parse("billing:*", "reports:read");
        assertThat(s.allows(Scope.parseRequired("billing:read"))).isTrue();
        assertThat(s.allows(Scope.parseRequired("billing:invoices:write"))).isTrue();
        assertThat(s.allows(Scope.parseRequired("reports:read"))).isTrue();
        assertThat(s.allows(Scope.parseRequired("reports:write"))).isFalse();
        assertThat(s.allows(Scope.parseRequired("billingx:read"))).isFalse();
        assertThat(ScopeSet.parse("*").allows(Scope.parseRequired("anything:at:all"))).isTrue();
        assertThat(ScopeSet.parse("billing:read").allows(Scope.parseRequired("billing:read:all"))).isFalse();
    }

    @Test
    void allOfNeedsEveryScopeAndAnyOfNeedsOne() {
        ScopeSet granted = ScopeSet.parse("billing:read");
        assertThat(ScopeRequirement.all("billing:read", "billing:write").isSatisfiedBy(granted)).isFalse();
        assertThat(ScopeRequirement.any("billing:read", "billing:write").isSatisfiedBy(granted)).isTrue();
        assertThat(ScopeRequirement.any("x:y", "billing:write").isSatisfiedBy(granted)).isFalse();
        assertThat(ScopeRequirement.none().isSatisfiedBy(ScopeSet.empty())).isTrue();
        assertThat(ScopeRequirement.all("a:b").and(ScopeRequirement.any("c:d", "e:f")).text()).isEqualTo("a:b c:d e:f");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "billing", ":read", "billing:", "billing::read", "bil ling:read", "billing:re*d",
            "*:read", "billing:*:x", "bill\u00e9:read", "billing:read\n", "a:b;c"})
    void invalidScopeStringsFailAtParseTime(String text) {
        assertThatThrownBy(() -> Scope.parse(text)).isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void requiredScopesCannotBeWildcards() {
        assertThatThrownBy(() -> ScopeRequirement.all("billing:*")).hasMessageContaining("wildcard");
        assertThatThrownBy(() -> ScopeRequirement.all("*")).hasMessageContaining("wildcard");
        assertThat(ScopeSet.parse("billing:read").allowsName("billing:*")).isFalse();
        assertThat(ScopeSet.parse("billing:read").allowsName("not a scope")).isFalse();
    }

    @Test
    void aGrantedScopeAlwaysGrantsItselfAndWildcardsGrantEveryExtension() {
        Random r = new Random(42);
        String alphabet = "abcXYZ09_.-";
        for (int i = 0; i < 2000; i++) {
            int segs = 2 + r.nextInt(3);
            StringBuilder b = new StringBuilder();
            for (int s = 0; s < segs; s++) {
                if (s > 0) {
                    b.append(':');
                }
                int len = 1 + r.nextInt(5);
                for (int c = 0; c < len; c++) {
                    b.append(alphabet.charAt(r.nextInt(alphabet.length())));
                }
            }
            String text = b.toString();
            Scope required = Scope.parseRequired(text);
            assertThat(Scope.parse(text).grants(required)).isTrue();
            String prefix = text.substring(0, text.indexOf(':'));
            assertThat(Scope.parse(prefix + ":*").grants(required)).isTrue();
            assertThat(Scope.parse(prefix + "q:*").grants(required)).isFalse();
            assertThat(ScopeSet.of(List.of(Scope.ALL)).allows(required)).isTrue();
        }
    }
}
