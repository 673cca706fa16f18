package dev.apikey;

/**
 * A newly issued key: the plaintext, shown once, and its stored record. {@link #toString()} shows the hint only.
 *
 * @param key    the plaintext key; hand it to the owner and do not keep it
 * @param record the stored record
 */
public record IssuedKey(ApiKey key, KeyRecord record) {
    /** Shows the id and hint only. */
    @Override
    public String toString() {
        return "IssuedKey[id=" + record.id() + ", hint=" + record.hint() + "]";
    }
}
