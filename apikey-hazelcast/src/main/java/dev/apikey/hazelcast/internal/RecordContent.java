package dev.apikey.hazelcast.internal;

import dev.apikey.Cidr;
import dev.apikey.KeyRecord;
import dev.apikey.Per;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a record's MAC covers: the map key it is stored under (the digest) and every versioned field, version
 * included. {@code lastUsed} is left out on purpose: it is advisory, changes without a new version
 * ({@code KeyStore#recordUse}) and so can neither win a merge nor carry a stale record back.
 *
 * <p>To cover a new field, add one {@code field(...)} line; records that leave it null keep their MACs.
 */
final class RecordContent {
    private RecordContent() {
    }

    static byte[] encode(String mapKey, KeyRecord r) {
        List<String> scopes = new ArrayList<>(r.scopes().names());
        scopes.sort(null);
        List<String> cidrs = new ArrayList<>();
        for (Cidr c : r.allowedCidrs()) {
            cidrs.add(c.value());
        }
        cidrs.sort(null);
        List<String> labels = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(r.labels()).entrySet()) {
            labels.add(e.getKey());
            labels.add(e.getValue());
        }
        return new Canonical("apikey record v1")
                .field("key", mapKey)
                .field("id", r.id())
                .field("digest", r.digest().encoded())
                .field("hint", r.hint())
                .field("owner", r.owner())
                .field("tenant", r.tenant())
                .field("environment", r.environment().name())
                .list("scopes", scopes)
                .list("allowedCidrs", cidrs)
                .field("created", r.created())
                .field("notBefore", r.notBefore())
                .field("expires", r.expires())
                .field("status", r.status().name())
                .field("rateLimitPolicy", r.rateLimitPolicy())
                .field("quota", r.quota())
                .field("credits", r.credits())
                // Whose balance the credits are: a store writer must not move a key's uses onto another budget.
                // Null for the key's own, as in records written before it, so their MACs still hold.
                .field("creditsPer", r.creditsPer() == Per.KEY ? null : r.creditsPer().word())
                .list("labels", labels)
                // Governance fields: a store writer without the secret must not hide a key from the review (a far
                // reviewAfter) or relabel its purpose. Null in records written before them, so their MACs still hold.
                .field("description", r.description())
                .field("reviewAfter", r.reviewAfter())
                .field("replaces", r.replaces())
                .field("replacedBy", r.replacedBy())
                // Lineage decides whose limits and counters a key spends; a key that starts its own chain leaves it null.
                .field("lineage", r.lineage().equals(r.id()) ? null : r.lineage())
                // Whether the key verifies through the legacy path; null for other keys, so older MACs still hold.
                .field("legacy", r.legacy() ? "true" : null)
                .field("version", r.version())
                .toByteArray();
    }
}
