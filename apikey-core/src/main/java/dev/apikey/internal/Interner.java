package dev.apikey.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares equal immutable values between records (scope sets, owner and tenant names), which repeat across
 * most keys of a deployment: at a million keys, a per-record copy of each was most of a record's heap.
 * Bounded: once full it stops adding, and values are then simply not shared; nothing is ever wrong, only
 * larger.
 */
public final class Interner<T> {
    private final ConcurrentHashMap<T, T> values = new ConcurrentHashMap<>();
    private final int max;

    /** An interner that holds at most {@code max} distinct values. */
    public Interner(int max) {
        this.max = max;
    }

    /** The shared instance equal to {@code value}, or {@code value} itself; {@code null} stays null. */
    public T intern(T value) {
        if (value == null) {
            return null;
        }
        T shared = values.get(value);
        if (shared != null) {
            return shared;
        }
        if (values.size() >= max) {
            return value;
        }
        shared = values.putIfAbsent(value, value);
        return shared != null ? shared : value;
    }
}
