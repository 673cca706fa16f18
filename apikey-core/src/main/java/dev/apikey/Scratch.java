package dev.apikey;

import dev.apikey.internal.AsciiLanes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32;

/**
 * One thread's working memory for a verification: the credential's bytes, the digest bytes, the
 * CRC and the SHA-256 instance. One {@link ThreadLocal} lookup per request instead of one per step (format
 * check, checksum, digest). Nothing here outlives the call that filled it in any other sense than that the
 * buffers are reused; no reference to them leaves the package.
 */
final class Scratch {
    /** Room for the longest key of any format. */
    static final int INPUT = KeyFormat.MAX_LENGTH;

    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    /** The credential's bytes at {@code [0, INPUT)}, then the 32 digest bytes at {@code [INPUT, INPUT + 32)}. */
    final byte[] bytes = new byte[INPUT + 32];
    /**
     * The bytes {@link KeyFormat#check(CharSequence)} checks: apart from {@link #bytes}, so that a check made
     * while the verifier still needs the credential's bytes (by a store during a lookup under several pepper
     * schemes, say) cannot overwrite them.
     */
    final byte[] checked = new byte[INPUT];
    final CRC32 crc = new CRC32();
    /** The look-up key for the digest in {@link #bytes}, so that a lookup in the in-memory store allocates nothing. */
    final KeyDigest.Probe probe = new KeyDigest.Probe();
    private MessageDigest sha256;

    private Scratch() {
    }

    static Scratch get() {
        return LOCAL.get();
    }

    MessageDigest sha256() {
        MessageDigest md = sha256;
        if (md == null) {
            md = newSha256();
            sha256 = md;
        }
        return md;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * {@link #load}: the credential has the format's shape and checksum (its random part's alphabet is checked by
     * the verifier only if the lookup finds nothing); its bytes are {@code bytes[0, credential.length())}.
     */
    static final int WELL_FORMED = 0;
    /** {@link #load}: the credential is not a key of the format (and has no control character). */
    static final int MALFORMED = 1;
    /** {@link #load}: the credential has a control character (a 400 rather than a 401). */
    static final int CONTROL = 2;

    /**
     * Copies {@code credential} into {@link #bytes} and checks it against {@code format}: {@link #WELL_FORMED},
     * {@link #MALFORMED} or {@link #CONTROL}. The format check runs on the copied bytes first; only a credential
     * that fails it is looked at for control characters (a well-formed one has none).
     */
    int load(String credential, KeyFormat format) {
        int n = credential.length();
        if (n <= INPUT && copy(credential)) {
            if (format.isWellFormed(bytes, n, crc)) {
                return WELL_FORMED;
            }
            // A control char (C0, DEL or C1) keeps its value as its byte, and a char above 0xff is a '?': all
            // printable bytes, no control char.
            if (AsciiLanes.allPrintable(bytes, 0, n)) {
                return MALFORMED;
            }
        }
        return hasControl(credential) ? CONTROL : MALFORMED;
    }

    /** True if {@code v} has a control character (C0, DEL or C1). */
    static boolean hasControl(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Copies {@code v} (at most {@link #INPUT} chars) into {@link #bytes} in ISO-8859-1: a char up to 0xff is its own
     * byte and any other char a '?', which is outside a key's alphabet, so a char above 0xff never passes for the
     * byte it ends in. For a Latin-1 string (every header value an HTTP/1 parser makes) this is two array copies,
     * the first into a new array (64 bytes for a default key); copying the low bytes and then ruling out chars
     * above 0xff by a scan of the chars cost a tenth of a valid key's verification. A '?' may stand for such a char: a credential whose random part is not all base62 must
     * still be ruled out by {@link #hasWide} before it counts as a stored key's.
     *
     * @return false, with {@link #bytes} unchanged, if {@code v} has a surrogate pair (which becomes one '?', so the
     *         bytes would be fewer than the chars): not a key
     */
    boolean copy(String v) {
        byte[] latin1 = v.getBytes(StandardCharsets.ISO_8859_1);
        if (latin1.length != v.length()) {
            return false;
        }
        System.arraycopy(latin1, 0, bytes, 0, latin1.length);
        return true;
    }

    /** True if {@code v} has a char above 0xff. */
    static boolean hasWide(String v) {
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) > 0xff) {
                return true;
            }
        }
        return false;
    }
}
