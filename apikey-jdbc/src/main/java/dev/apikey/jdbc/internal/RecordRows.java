package dev.apikey.jdbc.internal;

import dev.apikey.Cidr;
import dev.apikey.Environment;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyDigest;
import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import dev.apikey.Per;
import dev.apikey.Quota;
import dev.apikey.RateLimitPolicy;
import dev.apikey.ScopeSet;
import dev.apikey.Text;
import dev.apikey.json.StrictJson;
import dev.apikey.spi.StoreUnavailableException;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Maps {@link KeyRecord}s to rows of {@code apikey_keys} and back. The column types and why they were chosen are
 * explained in {@code db/postgresql/V1__apikey_schema.sql}. Values always travel as bind parameters.
 */
public final class RecordRows {
    /** The columns every SELECT reads ({@link #read} reads them by name). */
    public static final String COLUMNS = "id, digest, lineage, hint, owner, tenant, environment, scopes, allowed_cidrs, "
            + "created, not_before, expires, status, rate_limit_policy, quota, credits, labels, last_used, replaces, "
            + "replaced_by, description, review_after, credits_per, legacy, version";

    /**
     * The versioned content: every column an update replaces. Not id and digest (they never change), lineage
     * (fixed when the chain starts), last_used (advisory, written apart) or version (the store's counter).
     */
    private static final List<String> CONTENT = List.of("hint", "owner", "tenant", "environment", "scopes",
            "allowed_cidrs", "created", "not_before", "expires", "status", "rate_limit_policy", "quota", "credits",
            "labels", "replaces", "replaced_by", "description", "review_after", "credits_per", "legacy");

    /** The content columns, comma-separated, for an INSERT's column list. */
    public static final String CONTENT_COLUMNS = String.join(", ", CONTENT);

    /** As many placeholders as {@link #CONTENT_COLUMNS}, for an INSERT's VALUES. */
    public static final String CONTENT_VALUES = CONTENT.stream().map(RecordRows::placeholder)
            .collect(Collectors.joining(", "));

    /** {@code column = ?, ...} for every content column, for an UPDATE's SET. */
    public static final String CONTENT_SET = CONTENT.stream().map(c -> c + " = " + placeholder(c))
            .collect(Collectors.joining(", "));

    private RecordRows() {
    }

    private static String placeholder(String column) {
        return column.equals("labels") ? "?::jsonb" : "?";
    }

    /** The lineage written for a new record: the id of the first key of its rotation chain. */
    public static String lineageOf(KeyRecord r) {
        return r.lineage();
    }

    /** {@code r} with its instants cut to the microsecond, the precision of PostgreSQL's timestamptz. */
    public static KeyRecord normalize(KeyRecord r) {
        return r.toBuilder().created(micros(r.created())).notBefore(micros(r.notBefore())).expires(micros(r.expires()))
                .lastUsed(micros(r.lastUsed())).build();
    }

    /** {@code t} cut to the microsecond, or {@code null}. */
    public static Instant micros(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
    }

    /** Binds the content columns of {@code r} from parameter {@code at} on; returns the next free index. */
    public static int bindContent(Connection c, PreparedStatement ps, int at, KeyRecord r) throws SQLException {
        int i = at;
        ps.setString(i++, r.hint());
        ps.setString(i++, r.owner());
        ps.setString(i++, r.tenant());
        ps.setString(i++, r.environment().token());
        ps.setArray(i++, c.createArrayOf("text", r.scopes().names().toArray(new String[0])));
        List<String> cidrs = new ArrayList<>(r.allowedCidrs().size());
        for (Cidr cidr : r.allowedCidrs()) {
            cidrs.add(cidr.value());
        }
        ps.setArray(i++, c.createArrayOf("text", cidrs.toArray(new String[0])));
        setInstant(ps, i++, r.created());
        setInstant(ps, i++, r.notBefore());
        setInstant(ps, i++, r.expires());
        ps.setString(i++, r.status().name());
        ps.setString(i++, r.rateLimitPolicy() == null ? null : r.rateLimitPolicy().toString());
        ps.setString(i++, r.quota() == null ? null : r.quota().toString());
        if (r.credits() == null) {
            ps.setNull(i++, Types.BIGINT);
        } else {
            ps.setLong(i++, r.credits());
        }
        ps.setString(i++, labelsJson(r.labels()));
        ps.setString(i++, r.replaces());
        ps.setString(i++, r.replacedBy());
        ps.setString(i++, r.description());
        if (r.reviewAfter() == null) {
            ps.setNull(i++, Types.DATE);
        } else {
            ps.setObject(i++, r.reviewAfter());
        }
        ps.setString(i++, r.creditsPer() == Per.KEY ? null : r.creditsPer().word());
        ps.setBoolean(i++, r.legacy());
        return i;
    }

    /** Binds {@code t} as a timestamptz, or SQL NULL. */
    public static void setInstant(PreparedStatement ps, int index, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, OffsetDateTime.ofInstant(micros(t), ZoneOffset.UTC));
        }
    }

    /** Reads a timestamptz column, or {@code null}. */
    public static Instant getInstant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    // Through core's JSON, which core's jar carries relocated, so this module adds no Jackson of its own.
    private static String labelsJson(Map<String, String> labels) {
        return StrictJson.write(new TreeMap<>(labels));
    }

    /**
     * The record in the current row. A row that is not a valid record (edited by hand, say) fails closed: the
     * store cannot answer for that key, which the verifier turns into 503, never into a pass.
     */
    public static KeyRecord read(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        String column = "digest";
        try {
            KeyRecord.Builder b = KeyRecord.builder().id(id).digest(KeyDigest.parse(rs.getString("digest")));
            column = "hint";
            b.hint(rs.getString("hint"));
            column = "environment";
            b.environment(Environment.parse(rs.getString("environment")));
            column = "scopes";
            b.scopes(ScopeSet.parse(strings(rs.getArray("scopes"))));
            column = "allowed_cidrs";
            List<Cidr> cidrs = new ArrayList<>();
            for (String s : strings(rs.getArray("allowed_cidrs"))) {
                cidrs.add(Cidr.parse(s));
            }
            b.allowedCidrs(cidrs);
            column = "status";
            b.status(KeyStatus.valueOf(rs.getString("status")));
            column = "rate_limit_policy";
            String policy = rs.getString("rate_limit_policy");
            b.rateLimitPolicy(policy == null ? null : RateLimitPolicy.parse(policy));
            column = "quota";
            String quota = rs.getString("quota");
            b.quota(quota == null ? null : Quota.parse(quota));
            column = "labels";
            b.labels(labels(rs.getString("labels")));
            column = "description";
            b.description(rs.getString("description"));
            column = "review_after";
            b.reviewAfter(rs.getObject("review_after", LocalDate.class));
            column = "credits_per";
            String creditsPer = rs.getString("credits_per");
            b.creditsPer(creditsPer == null ? null : Per.parse(creditsPer));
            column = "legacy";
            b.legacy(rs.getBoolean("legacy"));
            column = "record";
            return b.owner(rs.getString("owner"))
                    .tenant(rs.getString("tenant"))
                    .created(getInstant(rs, "created"))
                    .notBefore(getInstant(rs, "not_before"))
                    .expires(getInstant(rs, "expires"))
                    .credits(rs.getObject("credits", Long.class))
                    .lastUsed(getInstant(rs, "last_used"))
                    .replaces(rs.getString("replaces"))
                    .replacedBy(rs.getString("replaced_by"))
                    .lineage(rs.getString("lineage"))
                    .version(rs.getLong("version"))
                    .build();
        } catch (InvalidConfigurationException | IllegalArgumentException | NullPointerException e) {
            // The digest column's content is never quoted; the other checks' messages name non-secret values.
            String why = column.equals("digest") ? "not a digest" : String.valueOf(e.getMessage());
            throw new StoreUnavailableException("PostgreSQL key store: the row of key " + Text.safe(String.valueOf(id), 70)
                    + " in apikey_keys is not a valid record (" + column + ": " + why + ")");
        }
    }

    private static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        Object[] values = (Object[]) array.getArray();
        List<String> out = new ArrayList<>(values.length);
        for (Object v : values) {
            out.add((String) v);
        }
        return out;
    }

    private static Map<String, String> labels(String json) {
        if (json == null) {
            return Map.of();
        }
        Map<String, Object> raw;
        try {
            raw = StrictJson.object(json.getBytes(StandardCharsets.UTF_8));
        } catch (StrictJson.Malformed e) {
            throw new InvalidConfigurationException("expected a JSON object of strings");
        }
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new InvalidConfigurationException("expected a JSON object of strings");
            }
            out.put(e.getKey(), s);
        }
        return out;
    }
}
