package dev.apikey;

import dev.apikey.internal.Base62;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * The key format {@code <prefix>_<env>_<random><checksum>}: a generator over {@link SecureRandom} and
 * a parser that checks shape, alphabet, length and checksum without hashing and without any store call.
 *
 * <ul>
 *   <li>{@code prefix}: 2-16 chars {@code [a-z][a-z0-9]*}, fixed per deployment (default {@code ak});</li>
 *   <li>{@code env}: {@code live} or {@code test};</li>
 *   <li>{@code random}: 32 base62 chars ({@code 0-9A-Za-z}), about 190 bits;</li>
 *   <li>{@code checksum}: CRC32 (IEEE) of the UTF-8 bytes of everything before it, in base62,
 *       left-padded with {@code 0} to 6 chars.</li>
 * </ul>
 *
 * A default key is 46 chars long and matches {@link #REGEX}. Instances are immutable and thread-safe.
 */
public final class KeyFormat {
    /** Regular expression matching keys of any valid prefix (the checksum is not checked by a regex). */
    public static final String REGEX = "[a-z][a-z0-9]{1,15}_(live|test)_[0-9A-Za-z]{38}";
    /** The default prefix. */
    public static final String DEFAULT_PREFIX = "ak";
    /** Number of random base62 characters. */
    public static final int RANDOM_LENGTH = 32;
    /** Number of checksum characters. */
    public static final int CHECKSUM_LENGTH = 6;
    /** Longest possible key of any prefix; longer input is rejected before any other work. */
    public static final int MAX_LENGTH = 16 + 1 + 4 + 1 + RANDOM_LENGTH + CHECKSUM_LENGTH;

    private static final KeyFormat DEFAULT = new KeyFormat(DEFAULT_PREFIX);

    /** Why a string is not a valid key. */
    public enum Check {
        /** The string is a well-formed key with a correct checksum. */
        OK("valid"),
        /** Null or empty. */
        EMPTY("empty"),
        /** Length differs from the format's fixed length. */
        WRONG_LENGTH("wrong length"),
        /** The prefix differs from this deployment's prefix. */
        WRONG_PREFIX("wrong prefix"),
        /** The environment segment is neither {@code live} nor {@code test}. */
        WRONG_ENVIRONMENT("environment must be live or test"),
        /** A character outside the base62 alphabet in the random or checksum part. */
        WRONG_ALPHABET("character outside 0-9A-Za-z"),
        /** The checksum does not match. */
        WRONG_CHECKSUM("checksum mismatch");

        private final String description;

        Check(String description) {
            this.description = description;
        }

        /** A short human-readable description (it never contains the input). */
        public String description() {
            return description;
        }
    }

    private final String prefix;
    private final byte[] prefixBytes;
    private final int length;

    private KeyFormat(String prefix) {
        this.prefix = prefix;
        this.prefixBytes = prefix.getBytes(StandardCharsets.US_ASCII);
        this.length = prefix.length() + 1 + 4 + 1 + RANDOM_LENGTH + CHECKSUM_LENGTH;
    }

    /** The format with the default prefix {@code ak}. */
    public static KeyFormat ofDefaults() {
        return DEFAULT;
    }

    /**
     * The format with a deployment-specific prefix.
     *
     * @throws InvalidConfigurationException if the prefix is not 2-16 chars of {@code [a-z][a-z0-9]*}
     */
    public static KeyFormat withPrefix(String prefix) {
        if (!isValidPrefix(prefix)) {
            throw new InvalidConfigurationException(
                    "key prefix must be 2-16 chars matching [a-z][a-z0-9]*, got '" + Text.safe(prefix) + "'");
        }
        return prefix.equals(DEFAULT_PREFIX) ? DEFAULT : new KeyFormat(prefix);
    }

    private static boolean isValidPrefix(String p) {
        if (p == null || p.length() < 2 || p.length() > 16) {
            return false;
        }
        if (p.charAt(0) < 'a' || p.charAt(0) > 'z') {
            return false;
        }
        for (int i = 1; i < p.length(); i++) {
            char c = p.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    /** This format's prefix. */
    public String prefix() {
        return prefix;
    }

    /** The exact length of every key of this format. */
    public int length() {
        return length;
    }

    /** Generates a new key for {@code environment} with randomness from the shared {@link SecureRandom}. */
    public ApiKey generate(Environment environment) {
        return generate(environment, Holder.RANDOM);
    }

    /** Generates a new key drawing its random part from {@code random} (tests may pass a seeded source). */
    public ApiKey generate(Environment environment, SecureRandom random) {
        Objects.requireNonNull(environment, "environment");
        char[] chars = new char[length];
        int pos = 0;
        prefix.getChars(0, prefix.length(), chars, 0);
        pos += prefix.length();
        chars[pos++] = '_';
        environment.token().getChars(0, 4, chars, pos);
        pos += 4;
        chars[pos++] = '_';
        Base62.randomDigits(random, chars, pos, RANDOM_LENGTH);
        pos += RANDOM_LENGTH;
        Base62.encodeFixed(crc(chars, pos), CHECKSUM_LENGTH, chars, pos);
        return new ApiKey(new String(chars), prefix.length(), environment, null);
    }

    /**
     * Checks {@code candidate} against this format without hashing or any other lookup.
     *
     * @return {@link Check#OK} or the first failed check
     */
    public Check check(CharSequence candidate) {
        if (candidate == null || candidate.length() == 0) {
            return Check.EMPTY;
        }
        if (candidate.length() != length) {
            return Check.WRONG_LENGTH;
        }
        return check(latin1(candidate));
    }

    /**
     * The candidate's chars as bytes, for one implementation of the checks over bytes: a char outside Latin-1
     * becomes {@code ?} and one outside ASCII keeps its high bit, and either fails the same check (prefix,
     * environment or alphabet) that the char itself would.
     */
    private static byte[] latin1(CharSequence candidate) {
        if (candidate instanceof String s) {
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }
        byte[] b = new byte[candidate.length()];
        for (int i = 0; i < b.length; i++) {
            char c = candidate.charAt(i);
            b[i] = c < 0x100 ? (byte) c : (byte) '?';
        }
        return b;
    }

    /** {@link #check(CharSequence)} of a candidate of the format's length, as {@link #latin1} bytes. */
    private Check check(byte[] ascii) {
        Check shape = shape(ascii, length);
        if (shape != null) {
            return shape;
        }
        int sumAt = length - CHECKSUM_LENGTH;
        for (int i = prefixBytes.length + 6; i < sumAt; i++) {
            if (Base62.value(ascii[i]) < 0) {
                return Check.WRONG_ALPHABET;
            }
        }
        long written = writtenChecksum(ascii, sumAt, length);
        if (written < 0) {
            return Check.WRONG_ALPHABET;
        }
        CRC32 crc = new CRC32();
        crc.update(ascii, 0, sumAt);
        return crc.getValue() == written ? Check.OK : Check.WRONG_CHECKSUM;
    }

    /** The first failure among emptiness, length, prefix and environment, or null if there is none. */
    private Check shape(byte[] ascii, int n) {
        if (n == 0) {
            return Check.EMPTY;
        }
        if (n != length) {
            return Check.WRONG_LENGTH;
        }
        byte[] p = prefixBytes;
        int pl = p.length;
        for (int i = 0; i < pl; i++) {
            if (ascii[i] != p[i]) {
                return Check.WRONG_PREFIX;
            }
        }
        if (ascii[pl] != '_') {
            return Check.WRONG_PREFIX;
        }
        if (!(isToken(ascii, pl + 1, LIVE) || isToken(ascii, pl + 1, TEST)) || ascii[pl + 5] != '_') {
            return Check.WRONG_ENVIRONMENT;
        }
        return null;
    }

    /** The checksum written in {@code ascii[sumAt, n)}, or -1 if a char there is outside base62. */
    private static long writtenChecksum(byte[] ascii, int sumAt, int n) {
        long written = 0;
        for (int i = sumAt; i < n; i++) {
            int d = Base62.value(ascii[i]);
            if (d < 0) {
                return -1;
            }
            written = written * 62 + d;
        }
        return written;
    }

    private static final byte[] LIVE = {'l', 'i', 'v', 'e'};
    private static final byte[] TEST = {'t', 'e', 's', 't'};

    private static boolean isToken(byte[] b, int at, byte[] token) {
        return b[at] == token[0] && b[at + 1] == token[1] && b[at + 2] == token[2] && b[at + 3] == token[3];
    }

    /** True if {@code candidate} is a well-formed key of this format with a correct checksum. */
    public boolean isValid(CharSequence candidate) {
        return check(candidate) == Check.OK;
    }

    /**
     * Parses a key of this format.
     *
     * @throws InvalidKeyFormatException naming the failed check (never the input)
     */
    public ApiKey parse(CharSequence candidate) {
        Check c = check(candidate);
        if (c != Check.OK) {
            throw new InvalidKeyFormatException(c);
        }
        return keyOf(candidate);
    }

    /**
     * Parses a key of this format, for callers to whom a malformed credential is an ordinary answer (the verifier).
     *
     * @return the key, or {@code null} if {@link #check} does not answer {@link Check#OK}
     */
    public ApiKey tryParse(CharSequence candidate) {
        if (candidate == null || candidate.length() != length) {
            return null;
        }
        byte[] ascii = latin1(candidate);
        // The checked bytes go with the key: hashing it needs them, and they need not be made twice.
        return check(ascii) == Check.OK
                ? new ApiKey(candidate.toString(), prefix.length(), environmentAt(candidate, prefix.length() + 1), ascii)
                : null;
    }

    private ApiKey keyOf(CharSequence candidate) {
        return new ApiKey(candidate.toString(), prefix.length(), environmentAt(candidate, prefix.length() + 1), null);
    }

    /**
     * Parses a key with a valid checksum and any valid prefix, as a leak scanner needs.
     *
     * @return the key, or {@code null} when {@code candidate} is not a key of any prefix
     */
    public static ApiKey parseAnyPrefix(CharSequence candidate) {
        if (candidate == null || candidate.length() > MAX_LENGTH) {
            return null;
        }
        int underscore = -1;
        for (int i = 0; i < candidate.length() && i <= 16; i++) {
            if (candidate.charAt(i) == '_') {
                underscore = i;
                break;
            }
        }
        if (underscore < 2) {
            return null;
        }
        String p = candidate.subSequence(0, underscore).toString();
        if (!isValidPrefix(p)) {
            return null;
        }
        KeyFormat f = withPrefix(p);
        return f.isValid(candidate) ? f.parse(candidate) : null;
    }

    private static Environment environmentAt(CharSequence s, int at) {
        if (regionEquals(s, at, "live")) {
            return Environment.LIVE;
        }
        if (regionEquals(s, at, "test")) {
            return Environment.TEST;
        }
        return null;
    }

    private static boolean regionEquals(CharSequence s, int at, String token) {
        for (int i = 0; i < token.length(); i++) {
            if (s.charAt(at + i) != token.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The checksum of {@code text} (all ASCII) as the format writes it: 6 base62 chars. */
    public static String checksum(String text) {
        CRC32 crc = new CRC32();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0x7f) {
                throw new IllegalArgumentException("key text is ASCII only");
            }
            crc.update(c);
        }
        return Base62.encodeFixed(crc.getValue(), CHECKSUM_LENGTH);
    }

    private static long crc(char[] chars, int end) {
        CRC32 crc = new CRC32();
        for (int i = 0; i < end; i++) {
            crc.update(chars[i]);
        }
        return crc.getValue();
    }

    @Override
    public String toString() {
        return "KeyFormat[" + prefix + "_<env>_<38 base62>]";
    }

    private static final class Holder {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
