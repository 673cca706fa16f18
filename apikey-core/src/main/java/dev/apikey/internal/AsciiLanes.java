package dev.apikey.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Character-class checks over a byte range, eight bytes per step (each byte a lane of one {@code long}).
 * A credential is checked on every request, and a loop over its 46 bytes with a test per byte was a fifth
 * of a malformed key's rejection. Each lane's low seven bits are added to a constant that lands its top bit
 * on one side of a range boundary; no lane carries into the next, because seven bits plus the constant stay
 * below 0x100. Ranges of fewer than eight bytes fall back to the plain loop; longer ones end with an
 * overlapping read of their last eight bytes.
 */
public final class AsciiLanes {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH = 0x8080808080808080L;
    private static final long LOW7 = 0x7f7f7f7f7f7f7f7fL;

    private AsciiLanes() {
    }

    /** True if every byte of {@code b[from, to)} is printable ASCII (0x20-0x7e). */
    public static boolean allPrintable(byte[] b, int from, int to) {
        if (to - from < 8) {
            for (int i = from; i < to; i++) {
                int c = b[i];
                if (c < 0x20 || c > 0x7e) {
                    return false;
                }
            }
            return true;
        }
        long bad = 0;
        for (int i = from; i < to; i += 8) {
            bad |= notPrintable((long) LONG.get(b, Math.min(i, to - 8)));
        }
        return bad == 0;
    }

    /** True if every byte of {@code b[from, to)} is a base62 digit ({@code 0-9A-Za-z}). */
    public static boolean allBase62(byte[] b, int from, int to) {
        if (to - from < 8) {
            for (int i = from; i < to; i++) {
                if (Base62.value(b[i]) < 0) {
                    return false;
                }
            }
            return true;
        }
        long bad = 0;
        for (int i = from; i < to; i += 8) {
            bad |= notBase62((long) LONG.get(b, Math.min(i, to - 8)));
        }
        return bad == 0;
    }

    /** The top bit of each lane is set where the byte is not in 0x20-0x7e. */
    static long notPrintable(long x) {
        long y = x & LOW7;
        // x: a byte of 0x80 or more; y + 0x01: y == 0x7f; not (y + 0x60): y < 0x20.
        return (x | (y + 0x0101010101010101L) | ~(y + 0x6060606060606060L)) & HIGH;
    }

    /** The top bit of each lane is set where the byte is not a base62 digit. */
    static long notBase62(long x) {
        long y = x & LOW7;
        long digit = (y + 0x5050505050505050L) & ~(y + 0x4646464646464646L);  // 0x30-0x39
        long upper = (y + 0x3f3f3f3f3f3f3f3fL) & ~(y + 0x2525252525252525L);  // 0x41-0x5a
        long lower = (y + 0x1f1f1f1f1f1f1f1fL) & ~(y + 0x0505050505050505L);  // 0x61-0x7a
        return (x | ~(digit | upper | lower)) & HIGH;
    }
}
