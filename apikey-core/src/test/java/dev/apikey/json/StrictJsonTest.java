package dev.apikey.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StrictJsonTest {
    private static Map<String, Object> parse(String json) {
        return StrictJson.object(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsOneObjectIntoMapsListsAndPlainValues() {
        Map<String, Object> m = parse("{\"s\":\"x\",\"i\":1,\"l\":5000000000,\"b\":99999999999999999999,\"d\":1.5,"
                + "\"t\":true,\"n\":null,\"a\":[\"y\",{\"k\":\"v\"}]}");

        assertThat(m).containsEntry("s", "x").containsEntry("i", 1).containsEntry("l", 5_000_000_000L)
                .containsEntry("b", new BigInteger("99999999999999999999")).containsEntry("d", new BigDecimal("1.5"))
                .containsEntry("t", true).containsEntry("n", null);
        assertThat(m.get("a")).isEqualTo(List.of("y", Map.of("k", "v")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            duplicate member           | {"a":1,"a":2}                | duplicate member 'a'
            duplicate null member      | {"a":null,"a":"x"}           | duplicate member 'a'
            nested duplicate           | {"o":{"k":"1","k":"2"}}      | duplicate member 'k'
            array                      | []                           | got an array
            number                     | 1                            | got a number
            empty                      | ''                           | empty
            blank                      | '   '                        | empty
            broken                     | {"a":                        | not valid JSON at line 1
            trailing                   | {} []                        | unexpected content
            single quotes              | {'a':1}                      | not valid JSON
            """)
    void refusesWhatIsNotExactlyOneObjectWithUniqueMembers(String what, String json, String message) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(StrictJson.Malformed.class).hasMessageContaining(message);
    }

    @Test
    void refusesDeepNestingAndQuotesNoInput() {
        assertThatThrownBy(() -> parse("{\"a\":" + "[".repeat(9) + "]".repeat(9) + "}"))
                .isInstanceOf(StrictJson.Malformed.class).hasMessageContaining("deeper than 8");
        assertThat(parse("{\"a\":" + "[".repeat(7) + "]".repeat(7) + "}")).containsKey("a");
        assertThatThrownBy(() -> parse("{\"a\":tru_secretish}")).hasMessageNotContaining("secretish");
    }

    @Test
    void refusesInvalidUtf8() {
        byte[] bad = Arrays.copyOf("{\"a\":\"".getBytes(StandardCharsets.UTF_8), 9);
        bad[6] = (byte) 0xc3;
        bad[7] = (byte) 0x28;
        bad[8] = '"';
        assertThatThrownBy(() -> StrictJson.object(bad)).isInstanceOf(StrictJson.Malformed.class);
    }

    @Test
    void writesNullsSoEveryFieldIsShown() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", null);
        m.put("b", List.of("x"));
        assertThat(StrictJson.write(m)).isEqualTo("{\"a\":null,\"b\":[\"x\"]}");
    }
}
