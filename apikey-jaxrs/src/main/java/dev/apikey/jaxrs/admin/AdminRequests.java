package dev.apikey.jaxrs.admin;

import dev.apikey.Environment;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyIds;
import dev.apikey.KeyRecord;
import dev.apikey.KeyRequest;
import dev.apikey.KeyUpdate;
import dev.apikey.Per;
import dev.apikey.Text;
import dev.apikey.json.StrictJson;
import dev.apikey.review.KeyReview;
import dev.apikey.spi.KeyQuery;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import static dev.apikey.jaxrs.admin.AdminProblems.badField;

/**
 * Reads and checks admin request bodies. A body is read by the resource itself, not by the application's JSON
 * provider, so that every malformed body gets the same 400 problem: at most {@value #MAX_BODY_BYTES} bytes, one
 * JSON object ({@link StrictJson}: no duplicate members, shallow), known fields only, each of the expected type
 * and size. Values are then checked by core's own parsers and builders, which refuse control and bidirectional
 * characters in names.
 */
final class AdminRequests {
    /** The largest body read; a valid create body is well under it. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** The most scopes a created key may be given. */
    static final int MAX_SCOPES = 64;
    /** The most networks a created key may be limited to. */
    static final int MAX_CIDRS = 32;
    /** The most labels a created key may carry (as many as a record holds). */
    static final int MAX_LABELS = 32;
    private static final int MAX_SHORT_TEXT = 64;
    private static final int MAX_POLICY_TEXT = 256;

    private static final Set<String> CREATE_FIELDS = Set.of("owner", "tenant", "scopes", "environment", "expiresAt",
            "rateLimit", "quota", "credits", "creditsPer", "allowedCidrs", "labels", "description", "reviewAfter");
    private static final Set<String> ROTATE_FIELDS = Set.of("gracePeriod");
    private static final Set<String> UPDATE_FIELDS = Set.copyOf(KeyUpdate.FIELDS);

    private AdminRequests() {
    }

    /**
     * The key a create body asks for.
     *
     * @param now the manager's current time: {@code expiresAt} must be after it
     */
    static KeyRequest create(InputStream body, Instant now) {
        Map<String, Object> in = object(body, CREATE_FIELDS);
        KeyRequest.Builder request = KeyRequest.builder();
        String owner = string(in, "owner", 128);
        if (owner == null) {
            throw badField("owner", "owner is required");
        }
        field("owner", () -> request.owner(owner));
        String tenant = string(in, "tenant", 128);
        field("tenant", () -> request.tenant(tenant));
        if (!in.containsKey("scopes")) {
            throw badField("scopes", "scopes is required: a list such as [\"billing:read\"] (may be empty)");
        }
        List<String> scopes = strings(in, "scopes", MAX_SCOPES);
        field("scopes", () -> request.scopes(scopes));
        String environment = string(in, "environment", MAX_SHORT_TEXT);
        if (environment != null) {
            field("environment", () -> request.environment(Environment.parse(environment)));
        }
        Instant at = instant(in, "expiresAt");
        if (at != null) {
            if (!at.isAfter(now)) {
                throw badField("expiresAt", "expiresAt must be in the future");
            }
            request.expiresAt(at);
        }
        String rateLimit = string(in, "rateLimit", MAX_POLICY_TEXT);
        field("rateLimit", () -> request.rateLimit(rateLimit));
        String quota = string(in, "quota", MAX_SHORT_TEXT);
        field("quota", () -> request.quota(quota));
        Long credits = integer(in, "credits");
        Per creditsPer = per(in);
        if (credits != null) {
            field("credits", () -> request.credits(credits, creditsPer));
        } else if (creditsPer != Per.KEY) {
            throw badField("creditsPer", "creditsPer needs credits");
        }
        List<String> cidrs = strings(in, "allowedCidrs", MAX_CIDRS);
        field("allowedCidrs", () -> request.allowedCidrs(cidrs.toArray(new String[0])));
        labels(in).forEach((k, v) -> field("labels", () -> request.label(k, v)));
        String description = string(in, "description", KeyRecord.MAX_DESCRIPTION);
        field("description", () -> request.description(description));
        request.reviewAfter(day(in, "reviewAfter"));
        return field(null, request::build);
    }

    /**
     * The change a PATCH body asks for: the fields it names, each set to a value, or to {@code null} to remove it
     * (scopes, labels and allowedCidrs take an empty list or object instead). A field left out stays as it is.
     */
    static KeyUpdate update(InputStream body) {
        Map<String, Object> in = object(body, UPDATE_FIELDS);
        if (in.isEmpty()) {
            throw badField(null, "the body changes nothing; set at least one of " + KeyUpdate.FIELDS);
        }
        KeyUpdate.Builder update = KeyUpdate.builder();
        if (in.containsKey("scopes")) {
            if (in.get("scopes") == null) {
                throw badField("scopes", "scopes must be a list such as [\"billing:read\"] (may be empty), not null");
            }
            List<String> scopes = strings(in, "scopes", MAX_SCOPES);
            field("scopes", () -> update.scopes(scopes));
        }
        if (in.containsKey("rateLimit")) {
            String rateLimit = string(in, "rateLimit", MAX_POLICY_TEXT);
            field("rateLimit", () -> update.rateLimit(rateLimit));
        }
        if (in.containsKey("quota")) {
            String quota = string(in, "quota", MAX_SHORT_TEXT);
            field("quota", () -> update.quota(quota));
        }
        if (in.containsKey("credits")) {
            Long credits = integer(in, "credits");
            Per creditsPer = per(in);
            field("credits", () -> credits == null || creditsPer == Per.KEY ? update.credits(credits)
                    : update.credits(credits, creditsPer));
        } else if (in.containsKey("creditsPer")) {
            throw badField("creditsPer", "creditsPer is changed together with credits");
        }
        if (in.containsKey("labels")) {
            Map<String, String> labels = labels(in);
            field("labels", () -> update.labels(labels));
        }
        if (in.containsKey("description")) {
            String description = string(in, "description", KeyRecord.MAX_DESCRIPTION);
            field("description", () -> update.description(description));
        }
        if (in.containsKey("reviewAfter")) {
            update.reviewAfter(day(in, "reviewAfter"));
        }
        if (in.containsKey("expiresAt")) {
            update.expiresAt(instant(in, "expiresAt"));
        }
        if (in.containsKey("allowedCidrs")) {
            List<String> cidrs = strings(in, "allowedCidrs", MAX_CIDRS);
            field("allowedCidrs", () -> update.allowedCidrs(cidrs));
        }
        return update.build();
    }

    /**
     * The record version an {@code If-Match} header names: one strong ETag, {@code "7"}, as {@code GET} and
     * {@code PATCH} return it. Without the header the change is refused with 428, since an update that does not say
     * which version it read could silently undo someone else's.
     */
    static long version(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            throw new AdminProblems.Failure(428, "precondition-required", "Precondition required",
                    "send If-Match with the ETag of the record you read (GET /admin/keys/{id}), e.g. If-Match: \"7\"",
                    null);
        }
        String t = ifMatch.trim();
        if (t.length() >= 3 && t.length() <= 21 && t.charAt(0) == '"' && t.charAt(t.length() - 1) == '"') {
            String digits = t.substring(1, t.length() - 1);
            if (digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Long.parseLong(digits);
            }
        }
        throw badField("If-Match", "If-Match must be one strong ETag such as \"7\", as GET /admin/keys/{id} returns it, got "
                + Text.safe(ifMatch, MAX_SHORT_TEXT));
    }

    /**
     * {@code query} limited to the page that {@code ?limit=&after=} ask for; without {@code limit}, every match.
     * {@code after} is the {@code next} cursor of the previous page: a key id.
     */
    static KeyQuery page(KeyQuery query, String limit, String after) {
        if (after != null && !KeyIds.isValid(after)) {
            throw badField("after", "after must be the next cursor of the previous page (a key id)");
        }
        KeyQuery q = query.after(after);
        if (limit == null) {
            return q;
        }
        int n;
        try {
            n = Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > KeyQuery.MAX_LIMIT) {
            throw badField("limit", "limit must be a whole number from 1 to " + KeyQuery.MAX_LIMIT + ", got "
                    + Text.safe(limit, MAX_SHORT_TEXT));
        }
        return q.limit(n);
    }

    /**
     * The review that {@code ?unusedDays=&expiringDays=} ask for (each 1 to 36500; defaults 90 and 30), on
     * {@code clock}.
     */
    static KeyReview review(String unusedDays, String expiringDays, Clock clock) {
        KeyReview.Builder b = KeyReview.custom().clock(clock);
        if (unusedDays != null) {
            int days = days("unusedDays", unusedDays);
            field("unusedDays", () -> b.unusedDays(days));
        }
        if (expiringDays != null) {
            int days = days("expiringDays", expiringDays);
            field("expiringDays", () -> b.expiringDays(days));
        }
        return b.build();
    }

    private static int days(String name, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw badField(name, name + " must be a whole number of days, got " + Text.safe(text, MAX_SHORT_TEXT));
        }
    }

    /**
     * The grace period a rotate body asks for.
     *
     * @param max the longest the key manager accepts
     */
    static Duration gracePeriod(InputStream body, Duration max) {
        Map<String, Object> in = object(body, ROTATE_FIELDS);
        String text = string(in, "gracePeriod", MAX_SHORT_TEXT);
        if (text == null) {
            throw badField("gracePeriod",
                    "gracePeriod is required: an ISO-8601 duration such as PT24H (PT0S ends the old key at once)");
        }
        Duration grace = field("gracePeriod", () -> Duration.parse(text));
        if (grace.isNegative()) {
            throw badField("gracePeriod", "gracePeriod must be zero or positive, got " + Text.safe(text, MAX_SHORT_TEXT));
        }
        if (grace.compareTo(max) > 0) {
            throw badField("gracePeriod", "gracePeriod must be at most " + max + ", got " + Text.safe(text, MAX_SHORT_TEXT));
        }
        return grace;
    }

    /** The strings of a leak report, {@code {"found": [...]}}, at most {@code max}. */
    static List<String> found(InputStream body, int max) {
        Map<String, Object> in = object(body, Set.of("found"));
        if (!in.containsKey("found")) {
            throw badField("found", "found is required: the list of strings to check");
        }
        return strings(in, "found", max);
    }

    private static Map<String, Object> object(InputStream body, Set<String> allowed) {
        byte[] bytes;
        try {
            bytes = body == null ? new byte[0] : body.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw badField(null, "the request body could not be read");
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw AdminProblems.tooLarge(MAX_BODY_BYTES);
        }
        Map<String, Object> in;
        try {
            in = StrictJson.object(bytes);
        } catch (StrictJson.Malformed e) {
            throw badField(null, e.getMessage());
        }
        for (String name : in.keySet()) {
            if (!allowed.contains(name)) {
                throw badField(name, "unknown field '" + Text.safe(name, MAX_SHORT_TEXT) + "'; expected one of "
                        + new TreeSet<>(allowed));
            }
        }
        return in;
    }

    private static String string(Map<String, Object> in, String name, int maxLength) {
        Object v = in.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw badField(name, name + " must be a string, got " + StrictJson.kind(v));
        }
        if (s.length() > maxLength) {
            throw badField(name, name + " must be at most " + maxLength + " chars, got " + s.length());
        }
        return s;
    }

    /** Whose balance {@code credits} are: {@code creditsPer} ({@code key}, {@code owner}, {@code tenant}; default key). */
    private static Per per(Map<String, Object> in) {
        String text = string(in, "creditsPer", MAX_SHORT_TEXT);
        return text == null ? Per.KEY : field("creditsPer", () -> Per.parse(text));
    }

    /** The ISO-8601 instant in field {@code name}, or null when it is absent or null. */
    private static Instant instant(Map<String, Object> in, String name) {
        String text = string(in, name, MAX_SHORT_TEXT);
        return text == null ? null : field(name, () -> Instant.parse(text));
    }

    /** The ISO-8601 date in field {@code name}, or null when it is absent or null. */
    private static LocalDate day(Map<String, Object> in, String name) {
        String text = string(in, name, MAX_SHORT_TEXT);
        return text == null ? null : field(name, () -> LocalDate.parse(text));
    }

    private static Long integer(Map<String, Object> in, String name) {
        Object v = in.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        throw badField(name, name + " must be a whole number up to " + Long.MAX_VALUE + ", got " + StrictJson.kind(v));
    }

    private static List<String> strings(Map<String, Object> in, String name, int maxCount) {
        Object v = in.get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw badField(name, name + " must be a list of strings, got " + StrictJson.kind(v));
        }
        if (list.size() > maxCount) {
            throw badField(name, name + " holds at most " + maxCount + " entries, got " + list.size());
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw badField(name, name + " must be a list of strings, got " + StrictJson.kind(o) + " in it");
            }
            out.add(s);
        }
        return out;
    }

    private static Map<String, String> labels(Map<String, Object> in) {
        Object v = in.get("labels");
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw badField("labels", "labels must be an object of strings, got " + StrictJson.kind(v));
        }
        if (map.size() > MAX_LABELS) {
            throw badField("labels", "labels holds at most " + MAX_LABELS + " entries, got " + map.size());
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw badField("labels", "labels must be an object of strings, got " + StrictJson.kind(e.getValue()) + " in it");
            }
            out.put((String) e.getKey(), s);
        }
        return out;
    }

    /** Runs a parse or builder step of one field; its failure becomes a 400 naming that field. */
    private static <T> T field(String name, Supplier<T> step) {
        try {
            return step.get();
        } catch (InvalidConfigurationException e) {
            throw badField(name, name == null ? e.getMessage() : name + ": " + e.getMessage());
        } catch (DateTimeParseException e) {
            String expected = "gracePeriod".equals(name) ? "an ISO-8601 duration such as PT24H"
                    : "reviewAfter".equals(name) ? "an ISO-8601 date such as 2030-01-31"
                    : "an ISO-8601 instant such as 2030-01-01T00:00:00Z";
            throw badField(name, name + " '" + Text.safe(e.getParsedString(), MAX_SHORT_TEXT) + "' is not " + expected);
        }
    }
}
