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
     * Copies {@code credential} into {@link #bytes} and checks it against {@code format}: the check's answer,
     * or null if the credential has control characters (a 400 rather than a 401). After an OK answer the
     * credential's bytes are {@code bytes[0, credential.length())}. A method of its own, so that the JIT
     * compiles it apart from the verifier's large body; inlined there, the loop ruling out chars above 0xff
     * was not reduced to nothing for a Latin-1 string, as it is here.
     */
    KeyFormat.Check load(String credential, KeyFormat format) {
        if (copyPrintable(credential)) {
            KeyFormat.Check check = format.check(bytes, credential.length(), crc);
            if (check == KeyFormat.Check.OK && hasWide(credential)) {
                // Chars above 0xff whose low bytes spell a key: not the key; the char check says why.
                check = format.check(credential);
            }
            return check;
        }
        return hasControl(credential) ? null : format.check(credential);
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
     * Copies the low byte of each char of {@code v} into {@link #bytes} and tells whether those bytes are all
     * printable ASCII (0x20-0x7e); false for more than {@link #INPUT} chars. The copy is String's own (an array
     * copy for a Latin-1 string) and the check runs eight bytes per step: a char-by-char loop doing both was a
     * quarter of a malformed key's rejection. A char above 0xff is seen only by its low byte here, so true
     * means "no control character, nothing in 0x7f-0xff"; before the bytes are trusted as the credential,
     * {@link #hasWide} must rule such chars out.
     */
    @SuppressWarnings("deprecation")
    boolean copyPrintable(String v) {
        int n = v.length();
        if (n > INPUT) {
            return false;
        }
        v.getBytes(0, n, bytes, 0);
        return AsciiLanes.allPrintable(bytes, 0, n);
    }

    /**
     * True if {@code v} (at most {@link #INPUT} chars) has a char above 0xff, whose low byte
     * {@link #copyPrintable} kept. String's own char copy, then an OR over a plain array: a charAt loop here
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
