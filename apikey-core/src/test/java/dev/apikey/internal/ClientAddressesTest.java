package dev.apikey.internal;

import dev.apikey.AccessRequest;
import dev.apikey.Cidr;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClientAddressesTest {
    private static final List<Cidr> PROXIES = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8:ffff::/48"));
    private final ClientAddresses xff = new ClientAddresses(PROXIES, ClientAddresses.X_FORWARDED_FOR);
    private final ClientAddresses forwarded = new ClientAddresses(PROXIES, "Forwarded");

    /** A request from {@code peer} with header name/value pairs (a name repeated for several lines). */
    private static AccessRequest from(String peer, String... headers) {
        Map<String, List<String>> h = new HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.computeIfAbsent(headers[i].toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(headers[i + 1]);
        }
        return AccessRequest.builder().remoteAddress(peer).headers(n -> h.getOrDefault(n.toLowerCase(Locale.ROOT), List.of()))
                .build();
    }

    @Test
    void theHeaderIsBelievedOnlyFromTrustedProxies() {
        assertThat(xff.resolve(from("198.51.100.7", "X-Forwarded-For", "203.0.113.9"))).isEqualTo("198.51.100.7");
        assertThat(xff.resolve(from("10.0.0.1", "X-Forwarded-For", "203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(new ClientAddresses(List.of(), ClientAddresses.X_FORWARDED_FOR)
                .resolve(from("10.0.0.1", "X-Forwarded-For", "203.0.113.9"))).isEqualTo("10.0.0.1");
        assertThat(xff.mayBeForwarded(from("198.51.100.7"))).isFalse();
        assertThat(xff.mayBeForwarded(from("198.51.100.7", "X-Forwarded-For", "203.0.113.9"))).isTrue();
    }

    @Test
    void theClientIsTheRightMostEntryThatIsNotATrustedProxy() {
        // What the client wrote itself (the left) is not believed; trusted hops on the right are skipped.
        assertThat(xff.resolve(from("10.0.0.1", "X-Forwarded-For", "1.1.1.1, 203.0.113.9, 10.0.0.2"))).isEqualTo("203.0.113.9");
        assertThat(xff.resolve(from("10.0.0.1", "X-Forwarded-For", "unknown, 203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(xff.resolve(from("10.0.0.1", "X-Forwarded-For", "1.1.1.1", "X-Forwarded-For", "203.0.113.9")))
                .isEqualTo("203.0.113.9");
        // A chain of our own proxies only: the first of them.
        assertThat(xff.resolve(from("10.0.0.1", "X-Forwarded-For", "10.0.0.3, 10.0.0.2"))).isEqualTo("10.0.0.3");
        // Without the header, the proxy's own request.
        assertThat(xff.resolve(from("10.0.0.1"))).isEqualTo("10.0.0.1");
        assertThat(xff.resolve(from(null, "X-Forwarded-For", "203.0.113.9"))).isNull();
    }

    @Test
    void entriesMayCarryPortsAndBracketedIpv6() {
        assertThat(xff.resolve(from("10.0.0.1", "X-Forwarded-For", "203.0.113.9:4711"))).isEqualTo("203.0.113.9");
        assertThat(xff.resolve(from("10.0.0.1", "X-Forwarded-For", "2001:db8::1"))).isEqualTo("2001:db8::1");
        assertThat(xff.resolve(from("10.0.0.1", "X-Forwarded-For", "[2001:db8::1]:4711"))).isEqualTo("2001:db8::1");
        assertThat(xff.resolve(from("2001:db8:ffff::5", "X-Forwarded-For", "[2001:db8::1]"))).isEqualTo("2001:db8::1");
    }

    @Test
    void aHeaderThatNamesNoClientIsUnresolvedNeverTheProxy() {
        for (String bad : List.of("not-an-ip", "unknown", "", "203.0.113.9, ", "203.0.113.9:99999", "203.0.113.9:",
                "[2001:db8::1", "[2001:db8::1]x", "fe80::1%eth0", "example.com", "1.2.3", "1.1.1.1, ".repeat(40) + "1.1.1.2",
                "1.1.1.1,".repeat(300))) {
            String resolved = xff.resolve(from("10.0.0.1", "X-Forwarded-For", bad));
            assertThat(ClientAddresses.isUnresolved(resolved)).as("'%s' gave %s", bad, resolved).isTrue();
        }
        // From an untrusted peer the same header is ignored: the peer is the client.
        assertThat(xff.resolve(from("198.51.100.7", "X-Forwarded-For", "not-an-ip"))).isEqualTo("198.51.100.7");
        // Within the bounds a long chain is fine.
        assertThat(xff.resolve(from("10.0.0.1", "X-Forwarded-For", "1.1.1.1, ".repeat(31) + "203.0.113.9")))
                .isEqualTo("203.0.113.9");
        assertThat(ClientAddresses.isUnresolved("unresolved")).as("only the constant itself").isFalse();
    }

    @Test
    void forwardedIsReadFromItsForParameters() {
        assertThat(forwarded.resolve(from("10.0.0.1", "Forwarded", "for=203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(forwarded.resolve(from("10.0.0.1", "Forwarded",
                "for=\"_hidden\";proto=https, For=\"[2001:db8::1]:4711\";by=10.0.0.1;host=\"a,b\""))).isEqualTo("2001:db8::1");
        assertThat(forwarded.resolve(from("10.0.0.1", "Forwarded", "for=198.51.100.1",
                "Forwarded", "for=203.0.113.9, for=10.0.0.2"))).isEqualTo("203.0.113.9");
        assertThat(forwarded.resolve(from("10.0.0.1", "Forwarded", "for=\"203.0.113.9:80\""))).isEqualTo("203.0.113.9");
        for (String bad : List.of("for=unknown", "proto=https", "for=\"203.0.113.9", "for=203.0.113.9;", "for",
                "for=203.0.113.9,,", "for=1.1.1.1 for=2.2.2.2", "for=1.1.1.1, ".repeat(40) + "for=1.1.1.2")) {
            String resolved = forwarded.resolve(from("10.0.0.1", "Forwarded", bad));
            assertThat(ClientAddresses.isUnresolved(resolved)).as("'%s' gave %s", bad, resolved).isTrue();
        }
    }

    @Test
    void onlyTheConfiguredHeaderIsRead() {
        // A proxy that manages X-Forwarded-For passes a client's own Forwarded on untouched, and the reverse.
        assertThat(xff.resolve(from("10.0.0.1", "Forwarded", "for=192.0.2.66", "X-Forwarded-For", "203.0.113.9")))
                .isEqualTo("203.0.113.9");
        assertThat(xff.resolve(from("10.0.0.1", "Forwarded", "for=192.0.2.66"))).isEqualTo("10.0.0.1");
        assertThat(forwarded.resolve(from("10.0.0.1", "X-Forwarded-For", "192.0.2.66", "Forwarded", "for=203.0.113.9")))
                .isEqualTo("203.0.113.9");
        assertThat(forwarded.resolve(from("10.0.0.1", "X-Forwarded-For", "not-an-ip"))).isEqualTo("10.0.0.1");
    }

    @Test
    void peerAddressesLoseBracketsAndZones() {
        ClientAddresses none = new ClientAddresses(List.of(), ClientAddresses.X_FORWARDED_FOR);
        assertThat(none.resolve(from("[2001:db8::1]"))).isEqualTo("2001:db8::1");
        assertThat(none.resolve(from("fe80::1%eth0"))).isEqualTo("fe80::1");
        assertThat(xff.resolve(from("[2001:db8:ffff::5]", "X-Forwarded-For", "203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(none.resolve(from("192.0.2.1"))).isEqualTo("192.0.2.1");
    }

    @Test
    void isWithinMatchesLiteralsOnly() {
        assertThat(ClientAddresses.isWithin(PROXIES, "10.1.2.3")).isTrue();
        assertThat(ClientAddresses.isWithin(PROXIES, "::ffff:10.1.2.3")).isTrue();
        assertThat(ClientAddresses.isWithin(PROXIES, "2001:db8:ffff:1::1")).isTrue();
        assertThat(ClientAddresses.isWithin(PROXIES, "192.0.2.1")).isFalse();
        assertThat(ClientAddresses.isWithin(PROXIES, null)).isFalse();
        assertThat(ClientAddresses.isWithin(PROXIES, ClientAddresses.UNRESOLVED)).isFalse();
    }
}
