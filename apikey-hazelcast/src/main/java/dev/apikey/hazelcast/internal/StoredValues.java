package dev.apikey.hazelcast.internal;

import java.util.ArrayList;
import java.util.List;

/** The canonical description of a value an apikey map stores, for tags over processors that carry one. */
final class StoredValues {
    private StoredValues() {
    }

    static Canonical describe(Canonical c, Object value) {
        if (value instanceof SealedRecord s) {
            return c.field("kind", "record").bytes("mac", s.mac()).field("lastUsed", s.record().lastUsed());
        }
        if (value instanceof RateState s) {
            List<String> tats = new ArrayList<>(s.tats().length);
            for (long t : s.tats()) {
                tats.add(Long.toString(t));
            }
            return c.field("kind", "rate").field("policy", s.policy()).list("tats", tats);
        }
        if (value instanceof Long n) {
            return c.field("kind", "count").field("count", n);
        }
        if (value instanceof String t) {
            return c.field("kind", "text").field("text", t);
        }
        throw new IllegalArgumentException("not an apikey value: " + (value == null ? "null" : value.getClass().getName()));
    }
}
