package dev.apikey.servlet;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ApiKeyFilter#isAmbiguous}, char by char, against a plain statement of what it refuses. */
class AmbiguousPathTest {
    /** The rule written out with one test per kind of char, as the filter had it before its look-up table. */
    private static boolean reference(String path, boolean raw) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || c == ';') {
                return true;
            }
            if (c == '/' && i + 1 < path.length() && path.charAt(i + 1) == '/') {
                return true;
            }
            if (raw && c == '%' && i + 2 < path.length()) {
                char h = Character.toLowerCase(path.charAt(i + 1));
                char l = Character.toLowerCase(path.charAt(i + 2));
                if ((h == '2' && (l == 'f' || l == 'e' || l == '5')) || (h == '5' && l == 'c') || (h == '3' && l == 'b')
                        || h < '2') {
                    return true;
                }
            }
            if (c == '.' && (i == 0 || path.charAt(i - 1) == '/')) {
                int end = i + 1 < path.length() && path.charAt(i + 1) == '.' ? i + 2 : i + 1;
                if (end == path.length() || path.charAt(end) == '/') {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void refusesExactlyWhatTheRuleRefuses() {
        String[] parts = {"/", "/", "/", ".", ".", "..", "a", "B", "%", "2", "f", "F", "e", "5", "c", "3", "b", "0", "1",
                ";", "\\", "\u0000", "\u001f", "\u007f", "\u0080", "\u00e9", "\u2028", "\uff0f", "x.y", "%2", "%25"};
        Random random = new Random(8);
        int ambiguous = 0;
        for (int i = 0; i < 50_000; i++) {
            StringBuilder p = new StringBuilder();
            for (int n = random.nextInt(8); n > 0; n--) {
                p.append(parts[random.nextInt(parts.length)]);
            }
            String path = p.toString();
            for (boolean raw : new boolean[] {true, false}) {
                boolean expected = reference(path, raw);
                assertThat(ApiKeyFilter.isAmbiguous(path, raw)).as("%s raw=%s", path, raw).isEqualTo(expected);
                ambiguous += expected ? 1 : 0;
            }
        }
        // Both answers were exercised many times over.
        assertThat(ambiguous).isBetween(10_000, 90_000);
        assertThat(ApiKeyFilter.isAmbiguous(null, true)).isFalse();
        assertThat(ApiKeyFilter.isAmbiguous("/with/bench/hello", true)).isFalse();
        assertThat(ApiKeyFilter.isAmbiguous("/a/%2e%2E/b", true)).isTrue();
        assertThat(ApiKeyFilter.isAmbiguous("/a/%2e%2E/b", false)).isFalse();
        assertThat(ApiKeyFilter.isAmbiguous("/a/../b", false)).isTrue();
        assertThat(ApiKeyFilter.isAmbiguous("/a/.b", false)).isFalse();
    }
}
