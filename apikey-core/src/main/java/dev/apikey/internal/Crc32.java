package dev.apikey.internal;

/**
 * CRC32 (IEEE, the same value as {@link java.util.zip.CRC32}) of the low bytes of a char sequence, table-driven
 * with eight bytes per step ("slicing-by-8"). For the 40-odd ASCII chars of a key this is several times faster
 * than {@code java.util.zip.CRC32}, whose intrinsic has a fixed cost that dominates such short inputs, and it
 * needs no byte copy and no per-thread state. The checksum runs for every presented key, malformed ones
 * included, so it is on the path that must stay cheapest.
 */
public final class Crc32 {
    private static final int[] T = new int[8 * 256];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
            }
            T[n] = c;
        }
        for (int n = 0; n < 256; n++) {
            int c = T[n];
            for (int k = 1; k < 8; k++) {
                c = (c >>> 8) ^ T[c & 0xff];
                T[k * 256 + n] = c;
            }
        }
    }

    private Crc32() {
    }

    /** The CRC32 of {@code (byte) s.charAt(i)} for {@code i} in {@code [0, end)}, as an unsigned value. */
    public static long of(CharSequence s, int end) {
        int c = ~0;
        int i = 0;
        for (; i + 8 <= end; i += 8) {
            c ^= (s.charAt(i) & 0xff) | (s.charAt(i + 1) & 0xff) << 8 | (s.charAt(i + 2) & 0xff) << 16
                    | (s.charAt(i + 3) & 0xff) << 24;
            c = T[7 * 256 + (c & 0xff)] ^ T[6 * 256 + ((c >>> 8) & 0xff)] ^ T[5 * 256 + ((c >>> 16) & 0xff)]
                    ^ T[4 * 256 + (c >>> 24)] ^ T[3 * 256 + (s.charAt(i + 4) & 0xff)]
                    ^ T[2 * 256 + (s.charAt(i + 5) & 0xff)] ^ T[256 + (s.charAt(i + 6) & 0xff)]
                    ^ T[s.charAt(i + 7) & 0xff];
        }
        for (; i < end; i++) {
            c = (c >>> 8) ^ T[(c ^ s.charAt(i)) & 0xff];
        }
        return ~c & 0xFFFFFFFFL;
    }
}
