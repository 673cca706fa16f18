package dev.apikey.review;

import dev.apikey.KeyRecord;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the review found about one key: each {@link Finding} with a short detail for people
 * ({@code "last used 120 days ago"}). Never holds a key or a digest.
 *
 * @param key      the reviewed record
 * @param findings every finding, in {@link Finding} order, with its detail
 */
public record KeyFindings(KeyRecord key, Map<Finding, String> findings) {
    /** Copies the findings, keeping {@link Finding} order. */
    public KeyFindings {
        findings = findings.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(findings));
    }

    /** True if any of {@code wanted} was found. */
    public boolean hasAnyOf(Set<Finding> wanted) {
        for (Finding f : findings.keySet()) {
            if (wanted.contains(f)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The key and its findings as JSON-ready values ({@code dev.apikey.json.StrictJson#write} escapes every string):
     * id, owner, tenant, environment, status, hint, description, reviewAfter, lastUsed, expires and
     * {@code findings: [{"finding": "unused", "detail": "..."}]}. Never the digest.
     */
    public Map<String, Object> toJson() {
        KeyRecord r = key;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("owner", r.owner());
        m.put("tenant", r.tenant());
        m.put("environment", r.environment().token());
        m.put("status", r.status().name().toLowerCase(Locale.ROOT));
        m.put("hint", r.hint());
        m.put("description", r.description());
        m.put("reviewAfter", r.reviewAfter() == null ? null : r.reviewAfter().toString());
        m.put("lastUsed", r.lastUsed() == null ? null : r.lastUsed().toString());
        m.put("expires", r.expires() == null ? null : r.expires().toString());
        List<Map<String, Object>> list = new ArrayList<>(findings.size());
        findings.forEach((f, detail) -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("finding", f.token());
            one.put("detail", detail);
            list.add(one);
        });
        m.put("findings", list);
        return m;
    }
}
