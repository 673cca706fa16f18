package dev.apikey;

import dev.apikey.spi.AuditEvent;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 26, item 3, at the pipeline: the failure throttle turns a client's failing attempts into 429 once its
 * allowance is spent, but never refuses a key that verifies; clients are told apart per IPv4 address and per
 * IPv6 /64; and a trusted proxy's forwarded header that names no client is refused, never charged to the proxy.
 * Time comes from a clock the tests move.
 */
class FailureThrottleBehaviourTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-02-01T00:00:00Z"));
    private final CountingStore store = new CountingStore(new InMemoryKeyStore());
    private final KeyManager manager = KeyManager.builder(store).clock(clock).build();
    private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    private VerifierBuilder builder() {
        return ApiKeyVerifier.builder(store).from(manager).auditSink(events::add).lastUsedExecutor(Runnable::run);
    }

    /** 2 failures per minute, burst 2: past two failures a client waits 30 s per failure. */
    private ApiKeyVerifier twoPerMinute() {
        return builder().clientThrottle(new ClientThrottle(true, RateLimit.parse("2/1m"), 100, List.of())).build();
    }

    private String issue(String... scopes) {
        return manager.issue(KeyRequest.builder().owner("app").scopes(scopes).build()).key().reveal();
    }

    private static String unknown() {
        return KeyFormat.ofDefaults().generate(Environment.LIVE).reveal();
    }

    private static AccessRequest from(String address, String key, String... headers) {
        Map<String, List<String>> h = new HashMap<>();
        h.computeIfAbsent("x-api-key", n -> new ArrayList<>()).add(key);
        for (int i = 0; i < headers.length; i += 2) {
            h.computeIfAbsent(headers[i].toLowerCase(), n -> new ArrayList<>()).add(headers[i + 1]);
        }
        return AccessRequest.builder().remoteAddress(address).method("GET").path("/x")
                .headers(n -> h.getOrDefault(n.toLowerCase(), List.of())).build();
    }

    @Test
    void withTheDefaultsTheTwentyFirstMalformedKeyGets429WhileTheClientsValidKeysAndAdminKeysPass() {
        ApiKeyVerifier v = builder().build();
        String reader = issue("billing:read");
        String admin = issue("apikeys:admin");
        for (int i = 0; i < 20; i++) {
            assertThat(v.verify(from("203.0.113.5", "ak_live_nope" + i)).status()).as("failure %d", i + 1).isEqualTo(401);
        }
        Decision throttled = v.verify(from("203.0.113.5", "ak_live_nope"));
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.problem().slug()).isEqualTo("too-many-failures");
        assertThat(throttled.outcome()).isEqualTo(Outcome.CLIENT_THROTTLED);

        assertThat(v.verify(from("203.0.113.5", reader)).isAllowed()).as("valid key").isTrue();
        assertThat(v.verify(from("203.0.113.5", admin)).isAllowed()).as("admin key").isTrue();
        assertThat(v.verify(from("203.0.113.5", unknown())).status()).isEqualTo(429);
    }

    @Test
    void aThrottledClientsWellFormedKeyIsLookedUpAndOnlyAFailingAnswerBecomes429() {
        ApiKeyVerifier v = twoPerMinute();
        String good = issue("a:b");
        String revoked = issue("a:b");
        manager.revoke(manager.list(dev.apikey.spi.KeyQuery.all()).stream()
                .filter(r -> r.digest().equals(manager.hasher().digest(manager.format().parse(revoked))))
                .findFirst().orElseThrow().id());
        v.verify(from("198.51.100.7", unknown()));
        v.verify(from("198.51.100.7", unknown()));

        // A malformed key needs no lookup to fail: throttled, it costs none either.
        int before = store.digestLookups.get();
        assertThat(v.verify(from("198.51.100.7", "ak_live_nope")).status()).isEqualTo(429);
        assertThat(store.digestLookups.get()).isEqualTo(before);
        // A well-formed one is looked up (by digest); it passes if it verifies, else gets 429 instead of 401.
        Decision ok = v.verify(from("198.51.100.7", good));
        assertThat(ok.isAllowed()).isTrue();
        assertThat(ok.principal()).isNotNull();
        assertThat(v.verify(from("198.51.100.7", unknown())).outcome()).isEqualTo(Outcome.CLIENT_THROTTLED);
        assertThat(v.verify(from("198.51.100.7", revoked)).outcome()).isEqualTo(Outcome.CLIENT_THROTTLED);
        assertThat(store.digestLookups.get()).isEqualTo(before + 3);
        // A key that verifies but lacks the scope is not a failed authentication: its 403 stands.
        ScopeRequirement other = ScopeRequirement.all("c:d");
        Decision scoped = v.verify(AccessRequest.builder().remoteAddress("198.51.100.7")
                .headers(n -> n.equalsIgnoreCase("X-API-Key") ? List.of(good) : List.of()).requirement(other).build());
        assertThat(scoped.status()).isEqualTo(403);
    }

    @Test
    void successesDoNotClearAClientsFailuresAndRetryAfterSaysWhenFailuresAreAnsweredAsUsualAgain() {
        ApiKeyVerifier v = twoPerMinute();
        String good = issue("a:b");
        v.verify(from("198.51.100.7", unknown()));
        v.verify(from("198.51.100.7", unknown()));
        for (int i = 0; i < 5; i++) {
            assertThat(v.verify(from("198.51.100.7", good)).isAllowed()).isTrue();
        }
        Decision throttled = v.verify(from("198.51.100.7", unknown()));
        assertThat(throttled.status()).isEqualTo(429);

        clock.advance(Duration.ofSeconds(throttled.retryAfterSeconds() - 1));
        assertThat(v.verify(from("198.51.100.7", unknown())).status()).as("before Retry-After").isEqualTo(429);
        clock.advance(Duration.ofSeconds(31));
        assertThat(v.verify(from("198.51.100.7", unknown())).status()).as("after Retry-After").isEqualTo(401);
    }

    @Test
    void ipv6ClientsAreCountedPer64AndIpv4MappedAddressesAsTheirIpv4Address() {
        ApiKeyVerifier v = twoPerMinute();
        v.verify(from("2001:db8:1:2::1", unknown()));
        v.verify(from("2001:db8:1:2:ffff:ffff:ffff:fffe", unknown()));

        assertThat(v.verify(from("2001:DB8:1:2:0:0:0:99", unknown())).status()).as("same /64").isEqualTo(429);
        assertThat(v.verify(from("[2001:db8:1:2::7]", unknown())).status()).as("same /64, bracketed").isEqualTo(429);
        assertThat(v.verify(from("2001:db8:1:3::1", unknown())).status()).as("next /64").isEqualTo(401);

        v.verify(from("192.0.2.44", unknown()));
        v.verify(from("192.0.2.44", unknown()));
        assertThat(v.verify(from("::ffff:192.0.2.44", unknown())).status()).as("IPv4-mapped").isEqualTo(429);
        assertThat(v.verify(from("192.0.2.45", unknown())).status()).as("IPv4 neighbour").isEqualTo(401);
    }

    @Test
    void aForwardedHeaderThatNamesNoClientIsRefusedBeforeTheKeyAndChargedToNobody() {
        ApiKeyVerifier v = builder().trustedProxies(List.of("10.0.0.0/8"))
                .clientThrottle(new ClientThrottle(true, RateLimit.parse("2/1m"), 100, List.of())).build();
        String good = issue("a:b");
        List<String> hostile = List.of("not-an-ip", "203.0.113.1, ".repeat(100) + "203.0.113.2", "203.0.113.3, ",
                "203.0.113.4:99999", "unknown");
        for (String xff : hostile) {
            for (int i = 0; i < 3; i++) {
                Decision d = v.verify(from("10.0.0.1", "ak_live_nope", "X-Forwarded-For", xff));
                assertThat(d.status()).as("X-Forwarded-For %s", xff.length() > 30 ? xff.substring(0, 30) : xff)
                        .isEqualTo(400);
                assertThat(d.problem().slug()).isEqualTo("invalid-request");
            }
        }
        int lookups = store.digestLookups.get();
        events.clear();
        Decision refused = v.verify(from("10.0.0.1", good, "X-Forwarded-For", "not-an-ip"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.outcome()).isEqualTo(Outcome.UNRESOLVED_CLIENT);
        assertThat(refused.header("Cache-Control")).isEqualTo("no-store");
        assertThat(store.digestLookups.get()).isEqualTo(lookups);
        // Audited with its own reason, from the proxy's address, naming no key.
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.UNRESOLVED_CLIENT);
            assertThat(e.clientAddress()).isEqualTo("10.0.0.1");
            assertThat(e.keyId()).isNull();
        });

        // The proxy's own requests were charged nothing, nor was any address the headers named.
        assertThat(v.verify(from("10.0.0.1", unknown())).status()).isEqualTo(401);
        assertThat(v.verify(from("10.0.0.1", unknown(), "X-Forwarded-For", "203.0.113.2")).status()).isEqualTo(401);
        assertThat(v.verify(from("10.0.0.1", good, "X-Forwarded-For", "203.0.113.2")).isAllowed()).isTrue();
    }
}
