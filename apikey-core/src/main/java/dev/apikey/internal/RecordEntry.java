package dev.apikey.internal;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.json.StrictJson;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** One key-file entry being read by {@link RecordJson}: knows its index and id, so every error can name them. */
final class RecordEntry {
    private final Map<?, ?> m;
    private final int index;
    private final String id;

    RecordEntry(Map<?, ?> m, int index, String id) {
        this.m = m;
        this.index = index;
        this.id = id;
    }

    RecordFormatException error(String field, String detail) {
        return new RecordFormatException(index, id, field, detail);
    }

    String string(String field, boolean required) {
        Object v = m.get(field);
        if (v == null) {
            if (required) {
                throw error(field, "is required");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw error(field, "expected a string, got " + StrictJson.kind(v));
        }
        return s;
    }

    void apply(String field, boolean required, Consumer<String> setter) {
        String v = string(field, required);
        if (v == null) {
            return;
        }
        try {
            setter.accept(v);
        } catch (InvalidConfigurationException ex) {
            throw error(field, ex.getMessage());
        }
    }

    void applyList(String field, Consumer<List<String>> setter) {
        Object v = m.get(field);
        if (v == null) {
            return;
        }
        if (!(v instanceof List<?> list)) {
            throw error(field, "expected an array of strings, got " + StrictJson.kind(v));
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw error(field, "expected an array of strings, found " + StrictJson.kind(o));
            }
            out.add(s);
        }
        try {
            setter.accept(out);
        } catch (InvalidConfigurationException ex) {
            throw error(field, ex.getMessage());
        }
    }

    Long number(String field, boolean required) {
        Object v = m.get(field);
        if (v == null) {
            if (required) {
                throw error(field, "is required");
            }
            return null;
        }
        if (!(v instanceof Number n) || !isIntegral(n)) {
            throw error(field, "expected a whole number, got " + StrictJson.kind(v));
        }
        if (n.longValue() < 0) {
            throw error(field, "must be >= 0, got " + n.longValue());
        }
        return n.longValue();
    }

    Map<String, String> labels(String field) {
        Object v = m.get(field);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> raw)) {
            throw error(field, "expected an object of string values, got " + StrictJson.kind(v));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> en : raw.entrySet()) {
            if (!(en.getValue() instanceof String s)) {
                throw error(field, "label '" + Escaping.escape(String.valueOf(en.getKey()), 64)
                        + "' must be a string, got " + StrictJson.kind(en.getValue()));
            }
            out.put(String.valueOf(en.getKey()), s);
        }
        return out;
    }

    /** Whether {@code n} is a whole number that fits a long (JSON numbers may arrive as any Number). */
    static boolean isIntegral(Number n) {
        return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
                || n instanceof BigInteger && ((BigInteger) n).bitLength() < 64
                || n instanceof BigDecimal d && d.stripTrailingZeros().scale() <= 0
                || (n instanceof Double || n instanceof Float) && n.doubleValue() == Math.rint(n.doubleValue())
                        && Math.abs(n.doubleValue()) < 9.0e15;
    }
}
