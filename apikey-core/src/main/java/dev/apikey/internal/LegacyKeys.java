package dev.apikey.internal;

import dev.apikey.KeyDigest;
import dev.apikey.KeyHasher;

import java.nio.charset.StandardCharsets;

/**
 * The rules for keys imported from another system that do not follow the key format: which texts may be one, and
 * their digest. The import and the verifier's legacy path share them, so a key that could be imported is exactly a
 * key that can be verified.
 */
public final class LegacyKeys {
    /** The shortest legacy key: anything shorter is guessed too easily to be worth keeping. */
    public static final int MIN_LENGTH = 16;
    /** The longest legacy key; a longer credential is refused before it is hashed. */
    public static final int MAX_LENGTH = 256;

    private static final KeyHasher SHA256 = KeyHasher.sha256();

    private LegacyKeys() {
    }

    /** True if {@code text} may be a legacy key: {@value #MIN_LENGTH} to {@value #MAX_LENGTH} visible ASCII chars. */
    public static boolean acceptable(String text) {
        if (text == null || text.length() < MIN_LENGTH || text.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** The digest a legacy key is stored and looked up under: the plain SHA-256 of its text, whatever the hasher. */
    public static KeyDigest digest(String text) {
        return SHA256.digestAt(0, text.getBytes(StandardCharsets.US_ASCII));
    }

    /** The display hint of a legacy key: {@code legacy…} and its last four chars. */
    public static String hint(String text) {
        return "legacy\u2026" + text.substring(text.length() - 4);
    }
}
