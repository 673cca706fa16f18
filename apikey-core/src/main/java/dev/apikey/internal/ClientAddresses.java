package dev.apikey.internal;

import dev.apikey.AccessRequest;
import dev.apikey.Cidr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Who the client of a request is, for the failure throttle, IP allowlists and audit events: the connection's
 * peer, or, when the peer is a trusted proxy, the right-most entry of the proxies' forwarded header that is not
 * itself a trusted proxy (entries to its left are the client's own say and are not believed).
 *
 * <p>Only the one configured header is read ({@code X-Forwarded-For} by default, or RFC 7239 {@code Forwarded}),
 * never the other: a client can send either header itself, and the proxy passes on the one it does not manage
 * untouched, so believing it would let the client pick its address.
 *
 * <p>Fail closed: when a trusted proxy's header is there but names no client, the request is
 * {@linkplain #UNRESOLVED unresolved}, and the verifier refuses it (400) before looking at its credential. That
 * is the case when the header holds more than {@link #MAX_ENTRIES} entries or {@link #MAX_CHARS} characters
 * (more than any real proxy chain writes), when the entry where the client should be is not an IP address
 * (optionally with a port, IPv6 in brackets), or when a {@code Forwarded} header does not parse. Falling back
 * to the proxy's own address instead would put every client behind the proxy in one throttle bucket, and one
 * attacker with a long header could then have all of their failures answered with 429.
 */
public final class ClientAddresses {
    /** Most entries a forwarded header (all its lines together) may hold. */
    public static final int MAX_ENTRIES = 32;
    /** Most characters a forwarded header (all its lines together) may hold. */
    public static final int MAX_CHARS = 2048;
    /** The default forwarded header. */
    public static final String X_FORWARDED_FOR = "X-Forwarded-For";
    /** The de-facto header in which a proxy names the scheme the client used. */
    public static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
    /** What {@link #resolve} answers for a request whose forwarded header names no client; compare with {@link #isUnresolved}. */
    public static final String UNRESOLVED = new String("unresolved");

    private final List<Cidr> trusted;
    private final String header;
    private final boolean rfc7239;

    /**
     * @param trusted the proxies whose forwarded header is believed; none means the peer is always the client
     * @param header  the forwarded header: {@code Forwarded} (RFC 7239), or a comma-separated address list
     *                such as {@code X-Forwarded-For}
     */
    public ClientAddresses(List<Cidr> trusted, String header) {
        this.trusted = List.copyOf(trusted);
        this.header = header;
        this.rfc7239 = header.equalsIgnoreCase("Forwarded");
    }

    /** True if {@code address} is {@link #UNRESOLVED}. */
    public static boolean isUnresolved(String address) {
        return address == UNRESOLVED;
    }

    /** The forwarded header this reads. */
    public String header() {
        return header;
    }

    /**
     * True if {@link #resolve} may answer something other than the peer: proxies are trusted and the request
     * carries the forwarded header. Reads no peer address.
     */
    public boolean mayBeForwarded(AccessRequest request) {
        return !trusted.isEmpty() && !request.headers().get(header).isEmpty();
    }

    /**
     * What a trusted proxy says about the scheme the client used: {@code TRUE} for https, {@code FALSE} for http,
     * {@code null} when the peer is not a trusted proxy or says nothing usable. The right-most value counts: the
     * proxy that connected to us set or appended it, while anything left of it may come from the client.
     */
    public Boolean forwardedSecure(AccessRequest request) {
        String peer = trusted.isEmpty() ? null : bare(request.remoteAddress());
        if (peer == null || !isTrusted(peer)) {
            return null;
        }
        List<String> protos = rfc7239 ? forwardedParam(request.headers().get(header), "proto")
                : listNodes(request.headers().get(X_FORWARDED_PROTO));
        if (protos == null || protos.isEmpty()) {
            return null;
        }
        String proto = protos.get(protos.size() - 1);
        return proto.equalsIgnoreCase("https") ? Boolean.TRUE : proto.equalsIgnoreCase("http") ? Boolean.FALSE : null;
    }

    /** Whether {@code address} (a bare IP literal) is on this host: 127.0.0.0/8 or ::1. */
    public static boolean isLoopback(String address) {
        return address != null && (address.startsWith("127.") || address.equals("::1") || address.equals("0:0:0:0:0:0:0:1"));
    }

    /** The client's address, {@code null} when unknown, or {@link #UNRESOLVED}. */
    public String resolve(AccessRequest request) {
        String peer = bare(request.remoteAddress());
        if (trusted.isEmpty() || peer == null || !isTrusted(peer)) {
            return peer;
        }
        List<String> values = request.headers().get(header);
        if (values.isEmpty()) {
            // The proxy's own request, or one it forwards without saying for whom: the proxy is the client.
            return peer;
        }
        List<String> nodes = rfc7239 ? forwardedParam(values, "for") : listNodes(values);
        if (nodes == null) {
            return UNRESOLVED;
        }
        String client = null;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            client = address(nodes.get(i));
            if (client == null) {
                return UNRESOLVED;
            }
            if (!isTrusted(client)) {
                return client;
            }
        }
        // Every hop is one of ours: the first of them is where the request came from.
        return client;
    }

    /**
     * A peer address as containers report it, without the brackets some put around IPv6 (Jetty) or a zone id
     * ({@code fe80::1%eth0}).
     */
    static String bare(String peer) {
        if (peer == null || peer.isEmpty()) {
            return peer;
        }
        String p = peer;
        if (p.charAt(0) == '[' && p.charAt(p.length() - 1) == ']') {
            p = p.substring(1, p.length() - 1);
        }
        int zone = p.indexOf('%');
        return zone > 0 && p.indexOf(':') >= 0 ? p.substring(0, zone) : p;
    }

    /** The entries of an address-list header, trimmed, or {@code null} when it is over the bounds. */
    private static List<String> listNodes(List<String> values) {
        int chars = 0;
        for (String v : values) {
            chars += v.length();
        }
        if (chars > MAX_CHARS) {
            return null;
        }
        List<String> nodes = new ArrayList<>(4);
        for (String v : values) {
            int start = 0;
            while (true) {
                int comma = v.indexOf(',', start);
                nodes.add(v.substring(start, comma < 0 ? v.length() : comma).trim());
                if (nodes.size() > MAX_ENTRIES) {
                    return null;
                }
                if (comma < 0) {
                    break;
                }
                start = comma + 1;
            }
        }
        return nodes;
    }

    /**
     * The {@code param} value ({@code for}, {@code proto}) of each element of RFC 7239 {@code Forwarded} headers (an
     * empty string for an element without one), or {@code null} when the header is over the bounds or does not parse. A syntax error anywhere
     * refuses the whole header: an open quote can swallow a comma and shift which element is the right-most.
     */
    private static List<String> forwardedParam(List<String> values, String param) {
        String all = values.size() == 1 ? values.get(0) : String.join(",", values);
        if (all.length() > MAX_CHARS) {
            return null;
        }
        List<String> nodes = new ArrayList<>(4);
        String paramValue = "";
        int i = 0;
        int n = all.length();
        while (true) {
            i = skipSpaces(all, i);
            int nameStart = i;
            while (i < n && isTokenChar(all.charAt(i))) {
                i++;
            }
            if (i == nameStart || i == n || all.charAt(i) != '=') {
                return null;
            }
            String name = all.substring(nameStart, i).toLowerCase(Locale.ROOT);
            i++;
            String value;
            if (i < n && all.charAt(i) == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (i < n && all.charAt(i) != '"') {
                    if (all.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    b.append(all.charAt(i++));
                }
                if (i == n) {
                    return null;
                }
                i++;
                value = b.toString();
            } else {
                int valueStart = i;
                while (i < n && isTokenChar(all.charAt(i))) {
                    i++;
                }
                if (i == valueStart) {
                    return null;
                }
                value = all.substring(valueStart, i);
            }
            if (name.equals(param)) {
                paramValue = value;
            }
            i = skipSpaces(all, i);
            if (i == n || all.charAt(i) == ',') {
                nodes.add(paramValue);
                paramValue = "";
                if (nodes.size() > MAX_ENTRIES) {
                    return null;
                }
                if (i == n) {
                    return nodes;
                }
            } else if (all.charAt(i) != ';') {
                return null;
            }
            i++;
        }
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static boolean isTokenChar(char c) {
        return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }

    /**
     * The IP address a node names ({@code 192.0.2.1}, {@code 192.0.2.1:8080}, {@code 2001:db8::1},
     * {@code [2001:db8::1]}, {@code [2001:db8::1]:8080}), or {@code null} for anything else ({@code unknown},
     * obfuscated identifiers, host names, empty entries, bad ports).
     */
    static String address(String node) {
        String addr = node;
        if (addr.startsWith("[")) {
            int close = addr.indexOf(']');
            if (close < 0 || !isPortOrNothing(addr, close + 1)) {
                return null;
            }
            addr = addr.substring(1, close);
        } else {
            int colon = addr.indexOf(':');
            if (colon >= 0 && addr.indexOf(':', colon + 1) < 0) {
                // One colon: IPv4 with a port (an IPv6 literal has at least two).
                if (!isPortOrNothing(addr, colon)) {
                    return null;
                }
                addr = addr.substring(0, colon);
            }
        }
        return Cidr.literal(addr) == null ? null : addr;
    }

    /** True if {@code s} ends at {@code from}, or continues with {@code :} and a port number there. */
    private static boolean isPortOrNothing(String s, int from) {
        if (from == s.length()) {
            return true;
        }
        int digits = s.length() - from - 1;
        if (s.charAt(from) != ':' || digits < 1 || digits > 5) {
            return false;
        }
        int port = 0;
        for (int i = from + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65535;
    }

    /** True if {@code address} is an IP literal inside one of {@code networks}. */
    public static boolean isWithin(List<Cidr> networks, String address) {
        byte[] a = address == null ? null : Cidr.literal(address);
        if (a == null) {
            return false;
        }
        for (Cidr c : networks) {
            if (c.contains(a)) {
                return true;
            }
        }
        return false;
    }

    private boolean isTrusted(String address) {
        return isWithin(trusted, address);
    }
}
