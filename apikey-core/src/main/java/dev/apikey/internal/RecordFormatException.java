package dev.apikey.internal;

import dev.apikey.ApiKeyException;

/**
 * A key document or one of its entries could not be read. The message names the entry (index and id)
 * and the field; it never contains a digest or any other secret.
 */
public final class RecordFormatException extends ApiKeyException {
    private static final long serialVersionUID = 1L;

    private final int index;
    private final String id;
    private final String field;

    /**
     * Creates the exception.
     *
     * @param index  position of the entry in the document's {@code keys} array, or -1 for the document itself
     * @param id     the entry's id as written (escaped for messages), or {@code null} if it has none
     * @param field  the offending field, or {@code null} if the entry or document as a whole is wrong
     * @param detail what was wrong and what was expected, without secrets
     */
    public RecordFormatException(int index, String id, String field, String detail) {
        super(describe(index, id, field) + detail);
        this.index = index;
        this.id = id;
        this.field = field;
    }

    private static String describe(int index, String id, String field) {
        StringBuilder b = new StringBuilder();
        if (index >= 0) {
            b.append("entry ").append(index);
            if (id != null) {
                b.append(" (id ").append(id).append(')');
            }
            b.append(field == null ? ": " : ", ");
        }
        if (field != null) {
            b.append("field '").append(field).append("': ");
        }
        return b.toString();
    }

    /** Position of the entry in the {@code keys} array, or -1 if the document as a whole is wrong. */
    public int index() {
        return index;
    }

    /** The entry's id as written (escaped), or {@code null}. */
    public String id() {
        return id;
    }

    /** The offending field, or {@code null}. */
    public String field() {
        return field;
    }
}
