package dev.apikey.cli;

import dev.apikey.Environment;
import dev.apikey.ImportedKey;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyRequest;
import dev.apikey.Per;
import dev.apikey.Text;
import dev.apikey.json.StrictJson;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows of an import file: CSV with a header row, or JSON lines (one object per line), each naming a key by
 * {@code key} (its plaintext) or {@code sha256} (64 hex digits or base64 of its digest) and giving its settings:
 * {@code owner} (required), {@code tenant}, {@code environment}, {@code scopes}, {@code rateLimit}, {@code quota},
 * {@code credits}, {@code creditsPer}, {@code expiresAt}, {@code description}, {@code reviewAfter}, {@code labels}.
 * In CSV, scopes are separated by spaces and labels written {@code name=value;name=value}; in JSON lines they are
 * a list and an object. CSV fields may be quoted ({@code "a,b"}, {@code ""} for a quote) and span one line.
 * A row's error names its line and field and never quotes the key.
 */
final class ImportRows {
    static final Set<String> FIELDS = Set.of("key", "sha256", "owner", "tenant", "environment", "scopes", "rateLimit",
            "quota", "credits", "creditsPer", "expiresAt", "description", "reviewAfter", "labels");

    private ImportRows() {
    }

    /** One row's key, or the reason it cannot be imported. */
    record Row(int line, ImportedKey key, String error) {
    }

    /** The rows of {@code text}, read as JSON lines if {@code jsonLines}, else as CSV. */
    static List<Row> read(String text, boolean jsonLines) {
        List<String> lines = text.lines().toList();
        List<Row> rows = new ArrayList<>();
        List<String> header = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || (!jsonLines && line.startsWith("#"))) {
                continue;
            }
            int n = i + 1;
            try {
                if (jsonLines) {
                    rows.add(new Row(n, key(StrictJson.object(line.getBytes(StandardCharsets.UTF_8))), null));
                } else if (header == null) {
                    List<String> names = csv(line);
                    for (String h : names) {
                        if (!FIELDS.contains(h)) {
                            throw new InvalidConfigurationException("unknown column '" + Text.safe(h, 32) + "'; expected some of "
                                    + new java.util.TreeSet<>(FIELDS));
                        }
                    }
                    header = names;
                } else {
                    rows.add(new Row(n, key(row(header, csv(line))), null));
                }
            } catch (InvalidConfigurationException | StrictJson.Malformed | DateTimeParseException e) {
                if (header == null && !jsonLines) {
                    throw new InvalidConfigurationException("line " + n + ": " + e.getMessage());
                }
                rows.add(new Row(n, null, e instanceof DateTimeParseException ? "a date or instant is not ISO-8601"
                        : e.getMessage()));
            }
        }
        return rows;
    }

    private static Map<String, Object> row(List<String> header, List<String> values) {
        if (values.size() != header.size()) {
            throw new InvalidConfigurationException("expected " + header.size() + " fields, got " + values.size());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String v = values.get(i);
            if (v.isEmpty()) {
                continue;
            }
            switch (header.get(i)) {
                case "scopes" -> m.put("scopes", List.of(v.trim().split("\\s+")));
                case "labels" -> {
                    Map<String, Object> labels = new LinkedHashMap<>();
                    for (String pair : v.split(";")) {
                        int eq = pair.indexOf('=');
                        if (eq <= 0) {
                            throw new InvalidConfigurationException("labels: expected name=value;name=value");
                        }
                        labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                    }
                    m.put("labels", labels);
                }
                case "credits" -> m.put("credits", number(v));
                default -> m.put(header.get(i), v);
            }
        }
        return m;
    }

    private static Long number(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException("credits: expected a whole number");
        }
    }

    /** The key of one row: the request is built first, so an error never depends on the key's text. */
    private static ImportedKey key(Map<String, Object> m) {
        for (String name : m.keySet()) {
            if (!FIELDS.contains(name)) {
                throw new InvalidConfigurationException("unknown field '" + Text.safe(name, 32) + "'");
            }
        }
        KeyRequest.Builder b = KeyRequest.builder().owner(text(m, "owner")).tenant(text(m, "tenant"));
        if (m.get("environment") != null) {
            b.environment(Environment.parse(text(m, "environment")));
        }
        Object scopes = m.get("scopes");
        if (scopes != null) {
            if (!(scopes instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
                throw new InvalidConfigurationException("scopes: expected a list of strings");
            }
            list.forEach(s -> b.scopes((String) s));
        }
        b.rateLimit(text(m, "rateLimit")).quota(text(m, "quota")).description(text(m, "description"));
        Object credits = m.get("credits");
        if (credits != null) {
            if (!(credits instanceof Integer || credits instanceof Long)) {
                throw new InvalidConfigurationException("credits: expected a whole number");
            }
            String per = text(m, "creditsPer");
            b.credits(((Number) credits).longValue(), per == null ? Per.KEY : Per.parse(per));
        }
        if (m.get("expiresAt") != null) {
            b.expiresAt(Instant.parse(text(m, "expiresAt")));
        }
        if (m.get("reviewAfter") != null) {
            b.reviewAfter(LocalDate.parse(text(m, "reviewAfter")));
        }
        if (m.get("labels") instanceof Map<?, ?> labels) {
            labels.forEach((k, v) -> b.label(String.valueOf(k), v instanceof String s ? s : null));
        } else if (m.get("labels") != null) {
            throw new InvalidConfigurationException("labels: expected an object of strings");
        }
        KeyRequest request = b.build();
        String key = text(m, "key");
        String digest = text(m, "sha256");
        if ((key == null) == (digest == null)) {
            throw new InvalidConfigurationException("give the key or its sha256, one of them");
        }
        return key != null ? ImportedKey.plaintext(key, request) : ImportedKey.sha256(digest, request);
    }

    private static String text(Map<String, Object> m, String name) {
        Object v = m.get(name);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new InvalidConfigurationException(name + ": expected a string");
    }

    /** The fields of one CSV line (RFC 4180 quoting, on one line). */
    static List<String> csv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.length() == 0) {
                quoted = true;
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new InvalidConfigurationException("a quoted field is not closed on its line");
        }
        out.add(field.toString());
        return out;
    }
}
