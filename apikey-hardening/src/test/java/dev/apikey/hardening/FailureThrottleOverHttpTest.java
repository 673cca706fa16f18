package dev.apikey.hardening;

import dev.apikey.Environment;
import dev.apikey.KeyFormat;
import dev.apikey.KeyRequest;
import dev.apikey.hardening.TwoApps.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 26, item 3, over real HTTP on both adapters: the failure throttle refuses a client's failing attempts
 * only, never a key that verifies (an admin key included); IPv6 clients are counted per /64; and a forwarded
 * header that does not name the client is refused instead of being charged to the proxy.
 *
 * <p>The {@code /throttled} applications of {@link TwoApps} allow 2 failures per hour per client and trust
 * 127.0.0.1 (where every test request comes from) as a proxy, so each test names its clients in
 * {@code X-Forwarded-For}; a request without that header is the proxy's own. Each adapter has its own verifier,
 * and each test its own client addresses, so the tests do not depend on each other's counts.
 */
class FailureThrottleOverHttpTest {
    private static final String PATH = "/throttled/billing/invoices";
    private static TwoApps apps;

    @BeforeAll
    static void start() throws Exception {
        apps = new TwoApps();
    }

    @AfterAll
    static void stop() throws Exception {
        apps.close();
    }

    private static RawHttp.Response send(Adapter a, String key, String... headers) {
        // The proxy terminates TLS and says so; without it, forwarded keys are refused as sent in the clear.
        List<String> h = new ArrayList<>(List.of("X-API-Key", key, "X-Forwarded-Proto", "https"));
        h.addAll(List.of(headers));
        return RawHttp.once(apps.port(a), RawHttp.request("GET", PATH, h.toArray(String[]::new)));
    }

    /** A request the trusted proxy forwards for {@code client}. */
    private static RawHttp.Response from(Adapter a, String client, String key) {
        return send(a, key, "X-Forwarded-For", client);
    }

    private static String unknownKey() {
        return KeyFormat.ofDefaults().generate(Environment.LIVE).reveal();
    }

    /** A key of the right shape whose checksum does not match: rejected without a lookup. */
    private static String malformedKey() {
        String k = unknownKey();
        return k.substring(0, k.length() - 1) + (k.endsWith("x") ? 'y' : 'x');
    }

    private static String slug(RawHttp.Response r) {
        String body = r.body();
        int at = body.indexOf("/problems/");
        return at < 0 ? body : body.substring(at + "/problems/".length(), body.indexOf('"', at));
    }

    @ParameterizedTest
    @EnumSource(Adapter.class)
    void aClientPastTheFailureThresholdStillGets200WithValidKeysAndOnlyItsFailuresGet429(Adapter a) {
        String client = a == Adapter.SERVLET ? "192.0.2.11" : "192.0.2.12";
        String reader = apps.issue(KeyRequest.builder().owner("victim").scopes("billing:read"));
        String admin = apps.issue(KeyRequest.builder().owner("operator").scopes("apikeys:admin", "billing:read"));
        String revoked = apps.issue(KeyRequest.builder().owner("victim").scopes("billing:read"));
        apps.keys.list(dev.apikey.spi.KeyQuery.all()).stream()
                .filter(r -> r.digest().equals(apps.keys.hasher().digest(apps.keys.format().parse(revoked))))
                .findFirst().ifPresent(r -> apps.keys.revoke(r.id()));

        // The attack: a burst of malformed keys from the client's address (21 would do for the default limit).
        List<Integer> attack = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            attack.add(from(a, client, malformedKey()).status());
        }

        // Keys that verify are never refused by the throttle, an admin key included.
        RawHttp.Response ok = from(a, client, reader);
        assertThat(ok.status()).as("valid key of a throttled client: %s", ok.body()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("ok");
        assertThat(from(a, client, admin).status()).as("admin key of a throttled client").isEqualTo(200);
        // The attack's own requests: answered as usual within the allowance, 429 past it.
        assertThat(attack.subList(0, 2)).as("within the allowance").containsOnly(401);
        assertThat(attack.subList(2, attack.size())).as("past the allowance").containsOnly(429);

        // Failing attempts stay throttled, however they fail (unknown, revoked, malformed), and a success in
        // between does not clear the client's record.
        for (String bad : List.of(unknownKey(), revoked, malformedKey())) {
            RawHttp.Response r = from(a, client, bad);
            assertThat(r.status()).as("failing attempt of a throttled client").isEqualTo(429);
            assertThat(slug(r)).isEqualTo("too-many-failures");
            assertThat(Long.parseLong(r.header("Retry-After"))).isPositive();
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        }
        // Another client of the same proxy is not affected.
        assertThat(from(a, a == Adapter.SERVLET ? "192.0.2.21" : "192.0.2.22", unknownKey()).status()).isEqualTo(401);
    }

    @ParameterizedTest
    @EnumSource(Adapter.class)
    void ipv6ClientsInOne64ShareAThrottleBucketAndOther64sDoNot(Adapter a) {
        String net = a == Adapter.SERVLET ? "2001:db8:5:" : "2001:db8:6:";

        // Two addresses of one /64 spend its allowance of two failures between them.
        assertThat(from(a, net + "1::a", unknownKey()).status()).isEqualTo(401);
        assertThat(from(a, net + "1:ffff:ffff:ffff:ffff", unknownKey()).status()).isEqualTo(401);

        // A third address of that /64 (spelt differently) is throttled; the neighbouring /64 is not.
        RawHttp.Response same64 = from(a, net.toUpperCase() + "1:0:0:0:b", unknownKey());
        assertThat(same64.status()).as("same /64: %s", same64.body()).isEqualTo(429);
        assertThat(from(a, net + "2::a", unknownKey()).status()).as("neighbouring /64").isEqualTo(401);
    }

    @ParameterizedTest
    @EnumSource(Adapter.class)
    void aForwardedHeaderThatNamesNoClientIsRefusedAndNotChargedToTheProxy(Adapter a) {
        String reader = apps.issue(KeyRequest.builder().owner("behind-proxy").scopes("billing:read"));
        // Oversized (more entries and characters than any real chain), or unreadable where the client should be.
        List<String> hostile = List.of("198.51.100.1, ".repeat(300) + "198.51.100.2", "not-an-address",
                "198.51.100.3, ", "198.51.100.4:99999");
        List<RawHttp.Response> answers = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            answers.add(send(a, malformedKey(), "X-Forwarded-For", hostile.get(i % hostile.size())));
        }

        // None of it was charged to the proxy: its own requests (no X-Forwarded-For) fail and pass as usual.
        RawHttp.Response own = send(a, unknownKey());
        assertThat(own.status()).as("the proxy's own failing request: %s", own.body()).isEqualTo(401);
        assertThat(send(a, reader).status()).isEqualTo(200);
        // The hostile requests were refused as unplaceable.
        for (int i = 0; i < answers.size(); i++) {
            String forwarded = hostile.get(i % hostile.size());
            RawHttp.Response r = answers.get(i);
            assertThat(r.status()).as("hostile X-Forwarded-For '%s': %s", forwarded.length() > 40
                    ? forwarded.substring(0, 40) + "..." : forwarded, r.body()).isEqualTo(400);
            assertThat(slug(r)).isEqualTo("invalid-request");
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        }
        // Even with a valid key: the request cannot be placed, so it is refused before the key is looked at.
        assertThat(send(a, reader, "X-Forwarded-For", "not-an-address").status()).isEqualTo(400);
        // And a well-formed header still names its client.
        assertThat(send(a, reader, "X-Forwarded-For", "198.51.100.9").status()).isEqualTo(200);
    }
}
