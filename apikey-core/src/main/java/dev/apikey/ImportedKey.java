package dev.apikey;

import dev.apikey.internal.LegacyKeys;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A key another system issued, to bring over with {@link KeyManager#importKey}: its plaintext, or only the SHA-256
 * digest that system kept, and the settings the key gets here (a {@link KeyRequest}: owner, scopes, limits, expiry,
 * labels, description). {@link #toString()} never shows the plaintext.
 *
 * <pre>{@code
 * manager.importKey(ImportedKey.plaintext(oldKey, KeyRequest.builder().owner("partner-x").scopes("billing:read").build()));
 * manager.importKey(ImportedKey.sha256("9f86d0...", KeyRequest.builder().owner("partner-y").build()));
 * }</pre>
 */
public final class ImportedKey {
    private final String plaintext;
    private final KeyDigest digest;
    private final String hint;
    private final KeyRequest request;

    private ImportedKey(String plaintext, KeyDigest digest, String hint, KeyRequest request) {
        this.plaintext = plaintext;
        this.digest = digest;
        this.hint = hint;
        this.request = Objects.requireNonNull(request, "request");
    }

    /**
     * A key known by its text: {@value LegacyKeys#MIN_LENGTH} to {@value LegacyKeys#MAX_LENGTH} visible ASCII
     * characters (no spaces). A key of the deployment's format is stored like an issued one, any other as legacy.
     *
     * @throws InvalidConfigurationException if it is neither (the message never holds the text)
     */
    public static ImportedKey plaintext(String key, KeyRequest request) {
        Objects.requireNonNull(key, "key");
        if (!LegacyKeys.acceptable(key)) {
            throw new InvalidConfigurationException("an imported key must be " + LegacyKeys.MIN_LENGTH + " to "
                    + LegacyKeys.MAX_LENGTH + " visible ASCII characters without spaces (got " + key.length()
                    + " chars); shorter keys are guessed too easily: rotate them instead of importing them");
        }
        return new ImportedKey(key, LegacyKeys.digest(key), LegacyKeys.hint(key), request);
    }

    /**
     * A key known only by the SHA-256 digest of its text (UTF-8), as 64 hex digits or as base64 / base64url of the
     * 32 bytes. It is imported as a legacy key (its text, and so its format, is unknown).
     *
     * @throws InvalidConfigurationException if the digest is neither (the message never holds it)
     */
    public static ImportedKey sha256(String digest, KeyRequest request) {
        Objects.requireNonNull(digest, "digest");
        byte[] bytes = decode(digest.trim());
        if (bytes == null || bytes.length != 32) {
            throw new InvalidConfigurationException("a SHA-256 digest must be 64 hex digits or the base64 of 32 bytes");
        }
        return new ImportedKey(null, KeyDigest.of("sha256", bytes), "legacy\u2026(digest)", request);
    }

    private static byte[] decode(String text) {
        try {
            if (text.length() == 64) {
                return HexFormat.of().parseHex(text);
            }
            String b64 = text.replace('-', '+').replace('_', '/');
            return Base64.getDecoder().decode(b64.length() == 43 ? b64 + "=" : b64);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The settings the key gets. */
    public KeyRequest request() {
        return request;
    }

    /** The plaintext, or null for a key imported by digest. */
    String plaintext() {
        return plaintext;
    }

    /** The digest a legacy import is stored under. */
    KeyDigest legacyDigest() {
        return digest;
    }

    /** The hint a legacy import shows. */
    String hint() {
        return hint;
    }

    @Override
    public String toString() {
        return "ImportedKey[" + (plaintext != null ? "plaintext" : "sha256") + ", owner=" + request.owner() + "]";
    }
}
