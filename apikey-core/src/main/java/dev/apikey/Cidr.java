package dev.apikey;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 network such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address means a
 * single host. Only literal addresses are accepted, so parsing never touches DNS.
 */
public final class Cidr {
    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = format(network) + "/" + prefixLength;
    }

    /**
     * Parses {@code address[/prefix]}. Host bits beyond the prefix are cleared ({@code 10.1.2.3/8} is
     * {@code 10.0.0.0/8}).
     *
     * @throws InvalidConfigurationException naming the value and what was expected
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidConfigurationException("CIDR is empty; expected e.g. 10.0.0.0/8 or 2001:db8::/32");
        }
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        byte[] bytes = literal(addr);
        if (bytes == null) {
            throw new InvalidConfigurationException(
                    "CIDR '" + Text.safe(text) + "' does not start with an IPv4 or IPv6 address literal");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new InvalidConfigurationException("CIDR '" + Text.safe(text) + "' has a bad prefix length");
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                throw new InvalidConfigurationException(
                        "CIDR '" + Text.safe(text) + "' prefix length must be 0-" + max);
            }
        }
        for (int bit = prefix; bit < max; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return new Cidr(bytes, prefix);
    }

    /**
     * Parses an IP address literal without any DNS lookup.
     *
     * @return the address bytes (4 or 16), or {@code null} if {@code s} is not a literal
     */
    public static byte[] literal(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) {
            return null;
        }
        boolean colon = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':') {
                colon = true;
            } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.')) {
                return null;
            }
        }
        if (!colon) {
            // Only dotted quads: InetAddress would also accept "1" or "1.2" forms, and hex letters would be a hostname.
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                String p = parts[i];
                if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return null;
                }
                int v = Integer.parseInt(p);
                if (v > 255) {
                    return null;
                }
                out[i] = (byte) v;
            }
            return out;
        }
        try {
            // A string of hex digits, dots and colons is never resolved through DNS.
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
    }

    /** True if {@code address} (4 or 16 bytes) lies in this network. IPv4-mapped IPv6 addresses match IPv4 networks. */
    public boolean contains(byte[] address) {
        byte[] a = address;
        if (a.length == 16 && network.length == 4 && isV4Mapped(a)) {
            a = java.util.Arrays.copyOfRange(a, 12, 16);
        }
        if (a.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rem = prefixLength % 8;
        if (rem == 0) {
            return true;
        }
        int mask = (0xff << (8 - rem)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    /** The prefix length. */
    public int prefixLength() {
        return prefixLength;
    }

    private static String format(byte[] b) {
        try {
            return InetAddress.getByAddress(b).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The normalised text form, e.g. {@code 10.0.0.0/8}. */
    public String value() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
