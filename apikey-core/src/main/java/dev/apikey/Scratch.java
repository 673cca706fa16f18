package dev.apikey;

import dev.apikey.internal.AsciiLanes;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32;

/**
 * One thread's working memory for a verification: the credential's chars and bytes, the digest bytes, the
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
    /** The credential's chars, for {@link #hasWide}. */
    final char[] chars = new char[INPUT];
    /**
     * The bytes {@link KeyFormat#check(CharSequence)} checks: apart from {@link #bytes}, so that a check made
     * while the verifier still needs the credential's bytes (by a store during a lookup under several pepper
     * schemes, say) cannot overwrite them.
     */
    final byte[] checked = new byte[INPUT];
    final CRC32 crc = new CRC32();
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
     * {@link #MALFORMED} or {@link #CONTROL}. The format check runs on the copied low bytes first; only a
     * credential that fails it is looked at for control characters (a well-formed one has none), and only one
     * that passes it for chars above 0xff. A method of its own, so that the JIT compiles it apart from the
     * verifier's large body; inlined there, the loop ruling out chars above 0xff was not reduced to nothing
     * for a Latin-1 string, as it is here.
     */
    int load(String credential, KeyFormat format) {
        int n = credential.length();
        if (n <= INPUT) {
            copy(credential);
            if (format.isWellFormed(bytes, n, crc)) {
                // Chars above 0xff whose low bytes spell a key are not the key.
                return hasWide(credential) ? MALFORMED : WELL_FORMED;
            }
            // A control char (at most 0x9f) keeps its value as its low byte: all printable low bytes, no control.
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
     * Copies the low byte of each char of {@code v} (at most {@link #INPUT} chars) into {@link #bytes}: String's
     * own copy, an array copy for a Latin-1 string. A char above 0xff is seen only by its low byte here; before
     * the bytes are trusted as the credential, {@link #hasWide} must rule such chars out.
     */
    @SuppressWarnings("deprecation")
    void copy(String v) {
        v.getBytes(0, v.length(), bytes, 0);
    }

    /**
     * True if {@code v} (at most {@link #INPUT} chars) has a char above 0xff, whose low byte
     * {@link #copy} kept. String's own char copy, then an OR over a plain array: a charAt loop here
     * cost a seventh of a valid key's verification.
     */
    boolean hasWide(String v) {
        int n = v.length();
        char[] c = chars;
        v.getChars(0, n, c, 0);
        int any = 0;
        for (int i = 0; i < n; i++) {
            any |= c[i];
        }
        return any > 0xff;
    }
}
