package dev.apikey.internal;

import dev.apikey.KeyDigest;
import dev.apikey.KeyRecord;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One content of a key file as a store serves it, indexed by digest and by id. Immutable: a store swaps a whole
 * snapshot for the next, so readers never see a mix of two contents.
 *
 * <p>The versions it serves change whenever a record's content changes, whoever changed it. A file edited by
 * hand (or restored from a backup) may change a record and keep its version; {@link #next} then serves the
 * record with the version after the one served before, so a copy read before the edit is stale and a write
 * based on it fails its version check instead of overwriting the edit unseen.
 */
public final class RecordSnapshot {
    /** No records. */
    public static final RecordSnapshot EMPTY = new RecordSnapshot(List.of());

    private final List<KeyRecord> records;
    private final Map<KeyDigest, KeyRecord> byDigest;
    private final Map<String, KeyRecord> byId;

    private RecordSnapshot(List<KeyRecord> records) {
        this.records = List.copyOf(records);
        Map<KeyDigest, KeyRecord> d = new HashMap<>(records.size() * 2);
        Map<String, KeyRecord> i = new HashMap<>(records.size() * 2);
        for (KeyRecord r : records) {
            d.put(r.digest(), r);
            i.put(r.id(), r);
        }
        this.byDigest = Collections.unmodifiableMap(d);
        this.byId = Collections.unmodifiableMap(i);
    }

    /** A snapshot of {@code records} exactly as given: what this store itself wrote. */
    public static RecordSnapshot of(List<KeyRecord> records) {
        return new RecordSnapshot(records);
    }

    /**
     * The snapshot to serve after this one for {@code read}, the records just read from a changed file. A record
     * whose content differs from the one served before without a higher version gets the served version plus one.
     */
    public RecordSnapshot next(List<KeyRecord> read) {
        List<KeyRecord> out = new ArrayList<>(read.size());
        for (KeyRecord r : read) {
            KeyRecord before = byId.get(r.id());
            boolean editedInPlace = before != null && r.version() <= before.version() && !sameContent(before, r);
            out.add(editedInPlace ? r.toBuilder().version(before.version() + 1).build() : r);
        }
        return new RecordSnapshot(out);
    }

    /** This snapshot with {@code added} appended. */
    public RecordSnapshot plus(KeyRecord added) {
        List<KeyRecord> next = new ArrayList<>(records.size() + 1);
        next.addAll(records);
        next.add(added);
        return new RecordSnapshot(next);
    }

    /** This snapshot with the record of the same id replaced by {@code changed}. */
    public RecordSnapshot replacing(KeyRecord changed) {
        List<KeyRecord> next = new ArrayList<>(records);
        for (int i = 0; i < next.size(); i++) {
            if (next.get(i).id().equals(changed.id())) {
                next.set(i, changed);
                break;
            }
        }
        return new RecordSnapshot(next);
    }

    /** Every record, in file order. */
    public List<KeyRecord> records() {
        return records;
    }

    /** The record with this digest, or {@code null}. */
    public KeyRecord byDigest(KeyDigest digest) {
        return byDigest.get(digest);
    }

    /** The record with this id, or {@code null}. */
    public KeyRecord byId(String id) {
        return byId.get(id);
    }

    /** Equal in everything that is versioned: every field but last-used (advisory) and the version itself. */
    static boolean sameContent(KeyRecord a, KeyRecord b) {
        if (a.equals(b)) {
            return true;
        }
        return a.toBuilder().lastUsed(null).version(0).build().equals(b.toBuilder().lastUsed(null).version(0).build());
    }
}
