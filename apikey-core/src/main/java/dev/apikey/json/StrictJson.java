package dev.apikey.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.apikey.internal.Escaping;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads untrusted JSON request bodies strictly, and writes JSON responses, with jackson-jr's streaming parser:
 * the top level must be one object, a member name may appear only once per object (with "last one wins", a body
 * could show a reviewer or a proxy one value and act on another), nesting is shallow, and nothing may follow the
 * document. Values come back as maps, lists, strings, {@code Integer}/{@code Long}/{@code BigInteger},
 * {@code BigDecimal}, booleans and {@code null}. Error messages give a position and a reason, never a parser's
 * message (which quotes input and names classes).
 *
 * <p>Public so that adapters (the admin API) and stores (JSON columns) share one strict reader without depending on
 * the JSON library that core carries relocated inside its jar.
 */
public final class StrictJson {
    private static final int MAX_DEPTH = 8;
    private static final JSON JSON_FACTORY = JSON.std;
    // Absent values are written as null, so a client sees every field of a record, set or not.
    private static final JSON WRITER = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);

    private StrictJson() {
    }

    /** The body is not one acceptable JSON object; the message says why and where. */
    public static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** A message that says why and where, and quotes no input; callers use it for a document of the wrong shape. */
        public Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Parses {@code json} (UTF-8) as one JSON object.
     *
     * @throws Malformed if it is empty, not JSON, not an object, too deep, has a duplicate member or trailing content
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(byte[] json) {
        return (Map<String, Object>) root(json, JsonToken.START_OBJECT, "object");
    }

    /**
     * Parses {@code json} (UTF-8) as one JSON array (GitHub's secret-scanning reports are one).
     *
     * @throws Malformed if it is empty, not JSON, not an array, too deep, has a duplicate member or trailing content
     */
    @SuppressWarnings("unchecked")
    public static List<Object> array(byte[] json) {
        return (List<Object>) root(json, JsonToken.START_ARRAY, "array");
    }

    private static Object root(byte[] json, JsonToken expected, String what) {
        try (JsonParser p = JSON_FACTORY.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new Malformed("the body is empty; expected a JSON " + what);
            }
            if (first != expected) {
                throw new Malformed("the body must be a JSON " + what + ", got " + kind(first));
            }
            Object root = value(p, first, 1);
            if (p.nextToken() != null) {
                throw new Malformed("unexpected content after the JSON " + what + " at " + where(p.currentLocation()));
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new Malformed("not valid JSON at " + where(e.getLocation()));
        } catch (IOException e) {
            throw new Malformed("the body could not be read as JSON");
        }
    }

    private static Object value(JsonParser p, JsonToken t, int depth) throws IOException {
        if ((t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) && depth > MAX_DEPTH) {
            throw new Malformed("JSON nested deeper than " + MAX_DEPTH + " levels at " + where(p.currentLocation()));
        }
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken n = p.nextToken(); n != JsonToken.END_OBJECT; n = p.nextToken()) {
                    String name = p.currentName();
                    if (m.containsKey(name)) {
                        throw new Malformed("duplicate member '" + Escaping.escape(name, 64) + "' at " + where(p.currentLocation()));
                    }
                    m.put(name, value(p, p.nextToken(), depth + 1));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonToken n = p.nextToken(); n != JsonToken.END_ARRAY; n = p.nextToken()) {
                    l.add(value(p, n, depth + 1));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getNumberValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDecimalValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return t == JsonToken.VALUE_TRUE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new Malformed("not valid JSON at " + where(p.currentLocation()));
        }
    }

    /** {@code value} (maps, lists, strings, numbers, booleans, null) as JSON text. */
    public static String write(Object value) {
        try {
            return WRITER.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON", e);
        }
    }

    /** What a JSON value is, in words, for messages. */
    public static String kind(Object v) {
        if (v instanceof JsonToken t) {
            return switch (t) {
                case START_ARRAY -> "an array";
                case VALUE_STRING -> "a string";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case VALUE_NULL -> "null";
                default -> "something else";
            };
        }
        if (v == null) {
            return "null";
        }
        if (v instanceof Map<?, ?>) {
            return "an object";
        }
        if (v instanceof List<?>) {
            return "an array";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Number) {
            return "a number";
        }
        return v instanceof Boolean ? "a boolean" : "something else";
    }

    private static String where(JsonLocation loc) {
        return loc == null ? "an unknown position" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }
}
