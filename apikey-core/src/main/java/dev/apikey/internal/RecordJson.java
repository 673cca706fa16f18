package dev.apikey.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.apikey.Cidr;
import dev.apikey.Environment;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyDigest;
import dev.apikey.KeyIds;
import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import dev.apikey.Per;
import dev.apikey.Quota;
import dev.apikey.RateLimitPolicy;
import dev.apikey.ScopeSet;
import dev.apikey.json.StrictJson;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts {@link KeyRecord}s to and from JSON objects (jackson-jr maps and lists, no reflection), and whole
 * key documents {@code {"format":1,"keys":[...]}} to and from bytes. A record holds a digest, never a key, so
 * neither does the JSON. Errors name the entry index, id and field, never the digest value.
 *
 * <p>Format 2 adds a record's {@code lineage} (written only for rotation successors, whose lineage is not their
 * own id). A document is written in format 1 while no record needs the field, so versions that know only format
 * 1 keep reading it, and refuse a document that has the field with a clear format error instead of an unknown
 * field. Format 3 adds {@code description} and {@code reviewAfter} (a day, {@code 2027-06-30}) in the same way: a
 * document is written in format 3 only while some record has one of them. Format 4 adds limits shared by a key's
 * owner or tenant: {@code creditsPer} ({@code owner} or {@code tenant}), and {@code per owner|tenant} in the text of
 * {@code rateLimitPolicy} and {@code quota}, which an older reader would refuse only as a bad limit. Format 5 adds
 * {@code legacy} (true for an imported key outside the key format), written only while some record is one.
 */
public final class RecordJson {
    /** The newest document format this class writes and reads; it also reads format 1. */
    public static final int FORMAT = 5;
    private static final int FORMAT_WITHOUT_LINEAGE = 1;
    private static final int FORMAT_WITHOUT_GOVERNANCE = 2;
    private static final int FORMAT_WITHOUT_SHARED_LIMITS = 3;
    private static final int FORMAT_WITHOUT_LEGACY = 4;

    private static final String ID = "id";
    private static final String DIGEST = "digest";
    private static final String HINT = "hint";
    private static final String OWNER = "owner";
    private static final String TENANT = "tenant";
    private static final String ENVIRONMENT = "environment";
    private static final String SCOPES = "scopes";
    private static final String ALLOWED_CIDRS = "allowedCidrs";
    private static final String CREATED = "created";
    private static final String NOT_BEFORE = "notBefore";
    private static final String EXPIRES = "expires";
    private static final String STATUS = "status";
    private static final String RATE_LIMIT_POLICY = "rateLimitPolicy";
    private static final String QUOTA = "quota";
    private static final String CREDITS = "credits";
    private static final String CREDITS_PER = "creditsPer";
    private static final String LABELS = "labels";
    private static final String DESCRIPTION = "description";
    private static final String REVIEW_AFTER = "reviewAfter";
    private static final String LAST_USED = "lastUsed";
    private static final String REPLACES = "replaces";
    private static final String REPLACED_BY = "replacedBy";
    private static final String LINEAGE = "lineage";
    private static final String LEGACY = "legacy";
    private static final String VERSION = "version";

    // A misspelt field in a hand-edited file (say "expire") must not silently drop a restriction, so unknown
    // fields are errors; a new field comes with a new format number.
    private static final Set<String> FIELDS = Set.of(ID, DIGEST, HINT, OWNER, TENANT, ENVIRONMENT, SCOPES,
            ALLOWED_CIDRS, CREATED, NOT_BEFORE, EXPIRES, STATUS, RATE_LIMIT_POLICY, QUOTA, CREDITS, CREDITS_PER, LABELS, DESCRIPTION,
            REVIEW_AFTER, LAST_USED, REPLACES, REPLACED_BY, LINEAGE, LEGACY, VERSION);

    private static final JSON READER = JSON.std;
    private static final JSON WRITER = JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT);

    private RecordJson() {
    }

    /** The record as a JSON object; absent optional values are left out. */
    public static Map<String, Object> toJson(KeyRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(ID, r.id());
        m.put(DIGEST, r.digest().encoded());
        m.put(HINT, r.hint());
        m.put(OWNER, r.owner());
        putIfPresent(m, TENANT, r.tenant());
        m.put(ENVIRONMENT, r.environment().token());
        m.put(SCOPES, r.scopes().names());
        List<String> cidrs = new ArrayList<>(r.allowedCidrs().size());
        for (Cidr c : r.allowedCidrs()) {
            cidrs.add(c.value());
        }
        m.put(ALLOWED_CIDRS, cidrs);
        m.put(CREATED, r.created().toString());
        putIfPresent(m, NOT_BEFORE, r.notBefore());
        putIfPresent(m, EXPIRES, r.expires());
        m.put(STATUS, r.status().name());
        putIfPresent(m, RATE_LIMIT_POLICY, r.rateLimitPolicy());
        putIfPresent(m, QUOTA, r.quota());
        if (r.credits() != null) {
            m.put(CREDITS, r.credits());
        }
        if (r.creditsPer() != Per.KEY) {
            m.put(CREDITS_PER, r.creditsPer().word());
        }
        m.put(LABELS, new LinkedHashMap<>(new java.util.TreeMap<>(r.labels())));
        putIfPresent(m, DESCRIPTION, r.description());
        putIfPresent(m, REVIEW_AFTER, r.reviewAfter());
        putIfPresent(m, LAST_USED, r.lastUsed());
        putIfPresent(m, REPLACES, r.replaces());
        putIfPresent(m, REPLACED_BY, r.replacedBy());
        if (inheritsLineage(r)) {
            m.put(LINEAGE, r.lineage());
        }
        if (r.legacy()) {
            m.put(LEGACY, true);
        }
        m.put(VERSION, r.version());
        return m;
    }

    /** The oldest format that holds {@code r}: readers of older formats refuse the fields they do not know. */
    private static int formatFor(KeyRecord r) {
        if (r.legacy()) {
            return FORMAT;
        }
        if (r.creditsPer() != Per.KEY || r.rateLimitPolicy() != null && r.rateLimitPolicy().isShared()
                || r.quota() != null && r.quota().per() != Per.KEY) {
            return FORMAT_WITHOUT_LEGACY;
        }
        if (r.description() != null || r.reviewAfter() != null) {
            return FORMAT_WITHOUT_SHARED_LIMITS;
        }
        return inheritsLineage(r) ? FORMAT_WITHOUT_GOVERNANCE : FORMAT_WITHOUT_LINEAGE;
    }

    /** Whether the record continues another key's lineage (it is a rotation successor). */
    private static boolean inheritsLineage(KeyRecord r) {
        return !r.lineage().equals(r.id());
    }

    private static void putIfPresent(Map<String, Object> m, String field, Object value) {
        if (value != null) {
            m.put(field, value.toString());
        }
    }

    /**
     * Reads one record from a JSON object as jackson-jr delivers it (maps, lists, strings, numbers).
     *
     * @param entry the parsed JSON value
     * @param index the entry's position in its document, used in error messages
     * @throws RecordFormatException naming the index, id and field
     */
    public static KeyRecord fromJson(Object entry, int index) {
        if (!(entry instanceof Map<?, ?> m)) {
            throw new RecordFormatException(index, null, null, "expected a JSON object, got " + StrictJson.kind(entry));
        }
        Object rawId = m.get(ID);
        String shownId = rawId instanceof String s ? Escaping.escape(s, 64) : null;
        RecordEntry e = new RecordEntry(m, index, shownId);
        for (Object name : m.keySet()) {
            if (!FIELDS.contains(name)) {
                throw e.error(null, "unknown field '" + Escaping.escape(String.valueOf(name), 64) + "'");
            }
        }
        KeyRecord.Builder b = KeyRecord.builder();
        e.apply(ID, true, v -> b.id(checkId(v)));
        String digest = e.string(DIGEST, true);
        try {
            b.digest(KeyDigest.parse(digest));
        } catch (InvalidConfigurationException ex) {
            // KeyDigest's own message is value-free today; a fixed text keeps it that way whatever changes there.
            throw e.error(DIGEST, "expected <scheme>:<base64url of 32 bytes> with scheme sha256 or hmac-v<N>");
        }
        e.apply(HINT, true, b::hint);
        e.apply(OWNER, true, b::owner);
        e.apply(TENANT, false, b::tenant);
        e.apply(ENVIRONMENT, true, v -> b.environment(Environment.parse(v)));
        e.applyList(SCOPES, v -> b.scopes(ScopeSet.parse(v)));
        e.applyList(ALLOWED_CIDRS, v -> {
            List<Cidr> cidrs = new ArrayList<>(v.size());
            for (String c : v) {
                cidrs.add(Cidr.parse(c));
            }
            b.allowedCidrs(cidrs);
        });
        e.apply(CREATED, true, v -> b.created(instant(v)));
        e.apply(NOT_BEFORE, false, v -> b.notBefore(instant(v)));
        e.apply(EXPIRES, false, v -> b.expires(instant(v)));
        e.apply(STATUS, true, v -> b.status(status(v)));
        e.apply(RATE_LIMIT_POLICY, false, v -> b.rateLimitPolicy(RateLimitPolicy.parse(v)));
        e.apply(QUOTA, false, v -> b.quota(Quota.parse(v)));
        b.credits(e.number(CREDITS, false));
        e.apply(CREDITS_PER, false, v -> b.creditsPer(Per.parse(v)));
        b.labels(e.labels(LABELS));
        e.apply(DESCRIPTION, false, b::description);
        e.apply(REVIEW_AFTER, false, v -> b.reviewAfter(day(v)));
        e.apply(LAST_USED, false, v -> b.lastUsed(instant(v)));
        e.apply(REPLACES, false, v -> b.replaces(checkId(v)));
        e.apply(REPLACED_BY, false, v -> b.replacedBy(checkId(v)));
        e.apply(LINEAGE, false, v -> b.lineage(checkId(v)));
        Object legacy = m.get(LEGACY);
        if (legacy != null && !(legacy instanceof Boolean)) {
            throw e.error(LEGACY, "expected true or false, got " + StrictJson.kind(legacy));
        }
        b.legacy(Boolean.TRUE.equals(legacy));
        Long version = e.number(VERSION, true);
        b.version(version);
        try {
            return b.build();
        } catch (InvalidConfigurationException ex) {
            throw e.error(fieldOf(ex.getMessage()), ex.getMessage());
        }
    }

    private static String checkId(String v) {
        if (!KeyIds.isValid(v)) {
            throw new InvalidConfigurationException("expected key_ followed by 1-64 base62 chars, got '"
                    + Escaping.escape(v, 64) + "'");
        }
        return v;
    }

    /**
     * The field a cross-field check of {@link KeyRecord} complained about. Every single-field check ran above
     * with its field known; what is left are the record's own rules, whose messages start with the field.
     */
    private static String fieldOf(String message) {
        if (message == null) {
            return null;
        }
        if (message.startsWith("label") || message.startsWith("a key holds at most")) {
            return LABELS;
        }
        for (String f : List.of(NOT_BEFORE, CREDITS, VERSION, OWNER, TENANT, DESCRIPTION)) {
            if (message.startsWith(f + " ")) {
                return f;
            }
        }
        return null;
    }

    /**
     * The document {@code {"format":N,"keys":[...]}} as UTF-8 JSON, records in the given order, in the oldest format
     * that holds every record (1 unless a record continues the lineage of another key or has governance fields).
     */
    public static byte[] writeDocument(Collection<KeyRecord> records) {
        List<Object> keys = new ArrayList<>(records.size());
        int format = FORMAT_WITHOUT_LINEAGE;
        for (KeyRecord r : records) {
            keys.add(toJson(r));
            format = Math.max(format, formatFor(r));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", format);
        doc.put("keys", keys);
        try {
            byte[] json = WRITER.asBytes(doc);
            byte[] out = java.util.Arrays.copyOf(json, json.length + 1);
            out[json.length] = '\n';
            return out;
        } catch (IOException ex) {
            // Only maps, lists, strings and numbers are written; failing here is a bug, not an I/O condition.
            throw new IllegalStateException("could not serialise key document", ex);
        }
    }

    /**
     * Reads a whole document, checking the format number and that ids and digests are unique.
     *
     * @throws RecordFormatException naming the first bad entry (index, id, field) or the document-level problem
     */
    public static List<KeyRecord> readDocument(byte[] json) {
        Object root = parse(json);
        if (!(root instanceof Map<?, ?> doc)) {
            throw new RecordFormatException(-1, null, null,
                    "expected a JSON object {\"format\":1,\"keys\":[...]}, got " + StrictJson.kind(root));
        }
        Object format = doc.get("format");
        if (!(format instanceof Number n) || !RecordEntry.isIntegral(n)
                || n.longValue() < FORMAT_WITHOUT_LINEAGE || n.longValue() > FORMAT) {
            throw new RecordFormatException(-1, null, "format", "expected " + FORMAT_WITHOUT_LINEAGE + " to " + FORMAT
                    + ", got "
                    + (format instanceof Number || format == null ? String.valueOf(format) : StrictJson.kind(format)));
        }
        for (Object name : doc.keySet()) {
            if (!"format".equals(name) && !"keys".equals(name)) {
                throw new RecordFormatException(-1, null, null,
                        "unknown top-level field '" + Escaping.escape(String.valueOf(name), 64) + "'");
            }
        }
        Object keys = doc.get("keys");
        if (!(keys instanceof List<?> entries)) {
            throw new RecordFormatException(-1, null, "keys", "expected an array of key records, got " + StrictJson.kind(keys));
        }
        List<KeyRecord> out = new ArrayList<>(entries.size());
        Map<String, Integer> ids = new HashMap<>();
        Map<KeyDigest, Integer> digests = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            KeyRecord r = fromJson(entries.get(i), i);
            Integer sameId = ids.putIfAbsent(r.id(), i);
            if (sameId != null) {
                throw new RecordFormatException(i, r.id(), ID, "the same id is already used by entry " + sameId);
            }
            Integer sameDigest = digests.putIfAbsent(r.digest(), i);
            if (sameDigest != null) {
                throw new RecordFormatException(i, r.id(), DIGEST,
                        "the same digest is already used by entry " + sameDigest);
            }
            out.add(r);
        }
        return out;
    }

    private static Object parse(byte[] json) {
        try (JsonParser p = READER.createParser(json)) {
            if (p.nextToken() == null) {
                throw new RecordFormatException(-1, null, null, "the file is empty; expected {\"format\":1,\"keys\":[]}");
            }
            Object root = READER.anyFrom(p);
            if (p.nextToken() != null) {
                throw new RecordFormatException(-1, null, null, "unexpected content after the JSON document at "
                        + where(p.currentLocation()));
            }
            return root;
        } catch (JsonProcessingException ex) {
            // Parser messages quote the offending token, which could be part of a digest: report the place only.
            throw new RecordFormatException(-1, null, null, "not valid JSON at " + where(ex.getLocation()));
        } catch (IOException ex) {
            throw new RecordFormatException(-1, null, null, "could not be read as JSON ("
                    + ex.getClass().getSimpleName() + ")");
        }
    }

    private static String where(JsonLocation loc) {
        if (loc == null) {
            return "an unknown position";
        }
        return "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    private static Instant instant(String v) {
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException ex) {
            try {
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException ex2) {
                throw new InvalidConfigurationException(
                        "expected an ISO-8601 instant such as 2025-01-31T12:00:00Z, got '" + Escaping.escape(v, 64) + "'");
            }
        }
    }

    private static LocalDate day(String v) {
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException ex) {
            throw new InvalidConfigurationException("expected an ISO-8601 date such as 2027-06-30, got '"
                    + Escaping.escape(v, 64) + "'");
        }
    }

    private static KeyStatus status(String v) {
        for (KeyStatus s : KeyStatus.values()) {
            if (s.name().equalsIgnoreCase(v.trim())) {
                return s;
            }
        }
        throw new InvalidConfigurationException("expected one of ACTIVE, SUSPENDED, REVOKED, got '"
                + Escaping.escape(v, 64) + "'");
    }
}
