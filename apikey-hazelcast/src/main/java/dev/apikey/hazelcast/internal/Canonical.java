package dev.apikey.hazelcast.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An unambiguous byte encoding of named values, the input of every MAC and tag: each value is written as its
 * name and its UTF-8 text, both length-prefixed, so no two different sets of values encode alike. An absent
 * ({@code null}) value is left out, so a field added later keeps the MACs of records that do not set it.
 */
final class Canonical {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    /** Starts an encoding with a label that says what is encoded (and so what a MAC over it means). */
    Canonical(String label) {
        text(label);
    }

    /** Adds {@code name = value}, or nothing if the value is null. */
    Canonical field(String name, Object value) {
        if (value != null) {
            text(name);
            out.write(1);
            text(value.toString());
        }
        return this;
    }

    /** Adds a list of values, kept in the given order (callers pass sorted lists where order carries no meaning). */
    Canonical list(String name, List<String> values) {
        text(name);
        out.write(2);
        length(values.size());
        for (String v : values) {
            text(v);
        }
        return this;
    }

    /** Adds raw bytes (a MAC carried inside another encoding). */
    Canonical bytes(String name, byte[] value) {
        if (value != null) {
            text(name);
            out.write(3);
            length(value.length);
            out.write(value, 0, value.length);
        }
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        length(b.length);
        out.write(b, 0, b.length);
    }

    private void length(int n) {
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
    }
}
