package org.rcnn4j.io.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse(" {\"b\": [1, -2.5, 3e2, true, false, null], \"a\": {\"s\": \"x\\\"y\\\\z\\n\\u00e9\"}} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("b", "a"), new ArrayList<>(m.keySet()), "key order is kept");
        List<?> b = (List<?>) m.get("b");
        assertEquals(1L, b.get(0));
        assertEquals(-2.5, b.get(1));
        assertEquals(300.0, b.get(2));
        assertEquals(true, b.get(3));
        assertEquals(false, b.get(4));
        assertNull(b.get(5));
        assertEquals("x\"y\\z\n\u00e9", ((Map<?, ?>) m.get("a")).get("s"));
    }

    @Test
    void emptyContainersAndHugeIntegers() {
        assertEquals(Map.of(), Json.parse("{}"));
        assertEquals(List.of(), Json.parse("[ ]"));
        assertEquals(1e20, Json.parse("100000000000000000000"));
    }

    @Test
    void rejectsMalformedText() {
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "{\"a\":1,}", "[1 2]", "\"abc", "\"\\q\"", "tru",
                "{a:1}", "1 2", "-", "[1,]"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad),
                    () -> "should reject: " + bad);
            assertTrue(e.getMessage().startsWith("JSON: ") && e.getMessage().contains("offset"), e.getMessage());
        }
    }

    @Test
    void writesWhatItReads() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "tab\there \"quoted\" \u0001");
        m.put("list", Arrays.asList(1L, 2.5, null, true));
        m.put("nested", Map.of("k", List.of()));
        String text = Json.write(m);
        assertEquals(m, Json.parse(text));
        assertTrue(text.contains("\\u0001"), text);
    }

    @Test
    void refusesNonFiniteNumbers() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(Float.POSITIVE_INFINITY)));
    }

    // ---- issue 17, items 4, 7 and 9 --------------------------------------------------------------------------

    @Test
    void numbersFollowTheRfcGrammar() {
        for (String bad : new String[] {"+100", "0100", "100.", ".5", "-.5", "1e", "1e+", "01.5", "-01", "1.e3",
                "NaN", "Infinity", "-Infinity", "0x10", "1_000", "--1", "1.5.2", "1e5e3"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad),
                    () -> "should reject: " + bad);
            assertTrue(e.getMessage().startsWith("JSON: ") && e.getMessage().contains("offset"), e.getMessage());
        }
        assertEquals(0L, Json.parse("0"));
        assertEquals(-0.0, Json.parse("-0.0"));
        assertEquals(1.5e-3, Json.parse("1.5E-3"));
        assertEquals(100.0, Json.parse("1e+2"));
        assertEquals(-12L, Json.parse("-12"));
    }

    @Test
    void stringsRefuseRawControlCharactersAndShortEscapes() {
        for (String bad : new String[] {"\"a\tb\"", "\"a\nb\"", "\"\u0000\"", "\"\\u12\"", "\"\\u+123\"",
                "\"\\u12g4\"", "\"\\u\uff11234\""}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), () -> "should reject: " + bad);
        }
        assertEquals("\u00e9\t", Json.parse("\"\\u00E9\\t\""));
    }

    @Test
    void onlyTheFourWhitespaceCharactersSeparate() {
        assertEquals(List.of(1L), Json.parse(" \t\r\n[1]\n"));
        for (String bad : new String[] {"\u000b[1]", "\u00a0[1]", "[1\u2028]", "\u000c1"}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), () -> "should reject: " + bad);
        }
    }

    @Test
    void aDuplicatedNameIsAnErrorNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.parse("{\"a\":1,\"b\":2,\"a\":3}"));
        assertTrue(e.getMessage().contains("duplicated name \"a\""), e.getMessage());
        assertEquals(Map.of("a", Map.of("a", 1L)), Json.parse("{\"a\":{\"a\":1}}"), "same name, other object");
    }

    @Test
    void nestingTenThousandDeepIsAnErrorNotAStackOverflow() {
        for (String open : new String[] {"[", "{\"k\":"}) {
            String deep = open.repeat(10_000);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(deep));
            assertTrue(e.getMessage().contains("nested more than " + Json.MAX_DEPTH), e.getMessage());
        }
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertTrue(Json.parse(ok) instanceof List<?>);
        String over = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        assertThrows(IllegalArgumentException.class, () -> Json.parse(over));
    }

    @Test
    void aNonFiniteNumberIsNamedByItsPlace() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("annotations", List.of(Map.of("score", 0.5), Map.of("score", Double.POSITIVE_INFINITY)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.write(m));
        assertTrue(e.getMessage().contains("Infinity") && e.getMessage().contains("$.annotations[1].score"),
                e.getMessage());
    }
}
