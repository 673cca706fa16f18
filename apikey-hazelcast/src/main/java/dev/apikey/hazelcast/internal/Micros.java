package dev.apikey.hazelcast.internal;

import dev.apikey.KeyRecord;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Records are sealed with their instants cut to the microsecond, the precision of a database's timestamps, so a
 * MAC computed in the cluster still holds for the row a backing store reads back after a restart.
 */
final class Micros {
    private Micros() {
    }

    /** {@code r} with every instant the MAC covers, and lastUsed, cut to the microsecond. */
    static KeyRecord of(KeyRecord r) {
        return exact(r) && Objects.equals(cut(r.lastUsed()), r.lastUsed()) ? r : r.toBuilder().created(cut(r.created()))
                .notBefore(cut(r.notBefore())).expires(cut(r.expires())).lastUsed(cut(r.lastUsed())).build();
    }

    /** True if every instant the MAC covers is a whole microsecond. */
    static boolean exact(KeyRecord r) {
        return whole(r.created()) && whole(r.notBefore()) && whole(r.expires());
    }

    private static boolean whole(Instant t) {
        return t == null || t.getNano() % 1_000 == 0;
    }

    private static Instant cut(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
    }
}
