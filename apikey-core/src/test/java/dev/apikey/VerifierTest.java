package dev.apikey;

import dev.apikey.internal.Base62;
import dev.apikey.spi.AuditEvent;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.TestRecords;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

class VerifierTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-02-01T00:00:00Z"));
    private final CountingStore store = new CountingStore(new InMemoryKeyStore());
    private final KeyManager manager = KeyManager.builder(store).clock(clock).build();
    private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    private VerifierBuilder builder() {
        return ApiKeyVerifier.builder(store).from(manager).auditSink(events::add).lastUsedExecutor(Runnable::run);
    }

    private final ApiKeyVerifier verifier = builder().build();

    private String issue(String... scopes) {
        return manager.issue(KeyRequest.builder().owner("app").scopes(scopes).build()).key().reveal();
    }

    /** A request with headers given as name, value pairs (repeat a name for several values). */
    private static AccessRequest.Builder request(String... pairs) {
        Map<String, List<String>> h = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            h.computeIfAbsent(pairs[i].toLowerCase(), k -> new ArrayList<>()).add(pairs[i + 1]);
        }
        return AccessRequest.builder().remoteAddress("198.51.100.7").method("GET").path("/x")
                .headers(n -> h.getOrDefault(n.toLowerCase(), List.of()));
    }

    @Test
    void keysAreAcceptedFromTheHeaderAndBothAuthorizationSchemes() {
        String k = issue("a:b");
        assertThat(verifier.verify(request("x-api-key", k).build()).isAllowed()).isTrue();
        assertThat(verifier.verify(request("X-API-KEY", k).build()).isAllowed()).isTrue();
        assertThat(verifier.verify(request("Authorization", "Bearer " + k).build()).isAllowed()).isTrue();
        assertThat(verifier.verify(request("Authorization", "bearer  " + k).build()).isAllowed()).isTrue();
        assertThat(verifier.verify(request("Authorization", "APIKEY " + k).build()).isAllowed()).isTrue();
        assertThat(verifier.verify(request("Authorization", "Basic " + k).build()).outcome()).isEqualTo(Outcome.MISSING_KEY);
    }

    @Test
    void theHeaderNameIsConfigurable() {
        String k = issue("a:b");
        ApiKeyVerifier v = builder().headerName("X-Token").build();
        assertThat(v.verify(request("x-token", k).build()).isAllowed()).isTrue();
        assertThat(v.verify(request("X-API-Key", k).build()).outcome()).isEqualTo(Outcome.MISSING_KEY);
    }

    @Test
    void emptyValuesCountAsMissing() {
        assertThat(verifier.verify(request("X-API-Key", "").build()).outcome()).isEqualTo(Outcome.MISSING_KEY);
        assertThat(verifier.verify(request("X-API-Key", "   ").build()).outcome()).isEqualTo(Outcome.MISSING_KEY);
        assertThat(verifier.verify(request("Authorization", "Bearer ").build()).outcome()).isEqualTo(Outcome.MISSING_KEY);
        assertThat(verifier.verify(request("Authorization", "Bearer").build()).outcome()).isEqualTo(Outcome.MISSING_KEY);
    }

    @Test
    void theSameKeyTwiceIsOneCredentialButTwoDifferentKeysAreRejected() {
        String a = issue("a:b");
        String b = issue("a:b");
        assertThat(verifier.verify(request("X-API-Key", a, "Authorization", "Bearer " + a).build()).isAllowed()).isTrue();
        assertThat(verifier.verify(request("X-API-Key", a, "X-API-Key", b).build()).outcome())
                .isEqualTo(Outcome.AMBIGUOUS_CREDENTIALS);
        assertThat(verifier.verify(request("X-API-Key", a, "Authorization", "Bearer " + b).build()).status()).isEqualTo(400);
    }

    @Test
    void charsAboveLatin1WhoseLowBytesSpellAKeyAreNotThatKey() {
        String k = issue("a:b");
        // Some 90 malformed keys from one address: unthrottled, so that each is answered for what it is.
        ApiKeyVerifier verifier = builder().clientThrottle(ClientThrottle.disabled()).build();
        // Same low byte as the real char: a byte copy of the String alone would read the key.
        String twin = k.substring(0, 10) + (char) (0x100 + k.charAt(10)) + k.substring(11);
        assertThat(verifier.verify(request("X-API-Key", twin).build()).outcome()).isEqualTo(Outcome.MALFORMED_KEY);
        String control = k.substring(0, 10) + '\u0001' + k.substring(11);
        assertThat(verifier.verify(request("X-API-Key", control).build()).outcome()).isEqualTo(Outcome.BAD_CREDENTIAL);
        assertThat(verifier.verify(request("X-API-Key", control, "X-API-Key", k).build()).outcome())
                .isEqualTo(Outcome.BAD_CREDENTIAL);
        assertThat(verifier.verify(request("X-API-Key", k, "X-API-Key", control).build()).outcome())
                .isEqualTo(Outcome.BAD_CREDENTIAL);
        assertThat(verifier.verify(request("X-API-Key", k).build()).isAllowed()).isTrue();
        // Every position, the last included (the eight-byte checks end on an overlapping read), and a Latin-1
        // char above 0x7f in place of a key char.
        for (int i = 0; i < k.length(); i++) {
            String wide = k.substring(0, i) + (char) (0x100 + k.charAt(i)) + k.substring(i + 1);
            assertThat(verifier.verify(request("X-API-Key", wide).build()).outcome()).as("wide char at %d", i)
                    .isEqualTo(Outcome.MALFORMED_KEY);
            String latin1 = k.substring(0, i) + '\u00e9' + k.substring(i + 1);
            assertThat(verifier.verify(request("X-API-Key", latin1).build()).outcome()).as("0xe9 at %d", i)
                    .isEqualTo(Outcome.MALFORMED_KEY);
        }
    }

    @Test
    void aCredentialWithAMatchingChecksumButCharsOutsideBase62IsRefusedBeforeAnyLookup() {
        // Parse before lookup: such a credential is refused as malformed, or as a bad credential if it carries a
        // control char, without a store call, and its audit event does not show a hint of it.
        String k = issue("a:b");
        for (String bad : new String[] {"-", "+", "_", "\u00e9", "\u0001", "\u007f", "\u0085"}) {
            String text = k.substring(0, 10) + bad + k.substring(11, k.length() - KeyFormat.CHECKSUM_LENGTH);
            CRC32 crc = new CRC32();
            crc.update(text.getBytes(StandardCharsets.ISO_8859_1));
            String crafted = text + Base62.encodeFixed(crc.getValue(), KeyFormat.CHECKSUM_LENGTH);
            assertThat(KeyFormat.ofDefaults().check(crafted)).as(bad).isEqualTo(KeyFormat.Check.WRONG_ALPHABET);
            Outcome expected = bad.charAt(0) < 0x20 || (bad.charAt(0) >= 0x7f && bad.charAt(0) < 0xa0)
                    ? Outcome.BAD_CREDENTIAL : Outcome.MALFORMED_KEY;
            events.clear();
            int lookups = store.digestLookups.get();
            assertThat(verifier.verify(request("X-API-Key", crafted).build()).outcome()).as(bad).isEqualTo(expected);
            assertThat(store.digestLookups.get()).as("store lookups for %s", bad).isEqualTo(lookups);
            assertThat(events).singleElement().satisfies(e -> assertThat(e.hint()).isNull());
        }
        // One that differs from a key only by a char outside base62 in the checksum is refused before any lookup.
        String sumBroken = k.substring(0, k.length() - 1) + '-';
        assertThat(verifier.verify(request("X-API-Key", sumBroken).build()).outcome()).isEqualTo(Outcome.MALFORMED_KEY);
        assertThat(verifier.verify(request("X-API-Key", k).build()).isAllowed()).isTrue();
    }

    @Test
    void aStoredDigestOfTextOutsideTheAlphabetIsNeverReachedAndCharsAboveLatin1AreMalformed() {
        // An operator may store the digest of any text of the key's shape, '?' in it included; parse before lookup
        // means such text is malformed and never looked up, and neither is a credential with a char above 0xff
        // (whose ISO-8859-1 byte would be that '?').
        String k = issue("a:b");
        String text = k.substring(0, 10) + '?' + k.substring(11, k.length() - KeyFormat.CHECKSUM_LENGTH);
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.ISO_8859_1));
        String odd = text + Base62.encodeFixed(crc.getValue(), KeyFormat.CHECKSUM_LENGTH);
        store.create(TestRecords.builder().owner("app").scopes(ScopeSet.parse("a:b"))
                .digest(KeyHasher.sha256().digestAt(0, odd.getBytes(StandardCharsets.ISO_8859_1))).build());
        int lookups = store.digestLookups.get();
        assertThat(verifier.verify(request("X-API-Key", odd).build()).outcome()).isEqualTo(Outcome.MALFORMED_KEY);
        for (char wide : new char[] {'\u0100', '\u013f', '\u4e2d', '\uffff'}) {
            String twin = odd.substring(0, 10) + wide + odd.substring(11);
            events.clear();
            assertThat(verifier.verify(request("X-API-Key", twin).build()).outcome()).as("%04x", (int) wide)
                    .isEqualTo(Outcome.MALFORMED_KEY);
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.keyId()).isNull();
                assertThat(e.hint()).isNull();
            });
        }
        assertThat(store.digestLookups.get()).as("store lookups").isEqualTo(lookups);
        // A surrogate pair in place of two chars is not a key either.
        String pair = k.substring(0, 10) + "\ud83d\ude00" + k.substring(12);
        assertThat(verifier.verify(request("X-API-Key", pair).build()).outcome()).isEqualTo(Outcome.MALFORMED_KEY);
        assertThat(verifier.verify(request("X-API-Key", k).build()).isAllowed()).isTrue();
    }

    @Test
    void aFormatCheckMadeDuringALookupLeavesTheKeyBytesForTheNextPepper() {
        Pepper old = new Pepper(1, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
        Pepper current = new Pepper(2, new byte[] {32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17,
                16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1});
        InMemoryKeyStore mem = new InMemoryKeyStore();
        String k = KeyManager.builder(mem).hasher(KeyHasher.hmac(old)).build()
                .issue(KeyRequest.builder().owner("app").build()).key().reveal();
        KeyFormat format = KeyFormat.ofDefaults();
        String other = format.generate(Environment.TEST).reveal();
        List<String> checks = new CopyOnWriteArrayList<>();
        // A store that checks something key-shaped on the request thread while it looks up the current-pepper
        // digest; the verifier then still needs the key's bytes for the previous pepper's digest.
        dev.apikey.spi.KeyStore store = new dev.apikey.spi.ForwardingKeyStore(mem) {
            @Override
            protected void beforeLookup(KeyDigest digest) {
                checks.add(digest.scheme() + " " + format.check(other));
            }
        };
        ApiKeyVerifier v = ApiKeyVerifier.builder(store).hasher(KeyHasher.hmac(current, old)).build();
        assertThat(v.verify(request("X-API-Key", k).build()).isAllowed()).isTrue();
        assertThat(checks).containsExactly("hmac-v2 OK", "hmac-v1 OK");
    }

    @Test
    void theQueryParameterIsIgnoredUnlessEnabled() {
        String k = issue("a:b");
        AccessRequest r = request().queryParameters(n -> n.equals("api_key") ? List.of(k) : List.of()).build();
        assertThat(verifier.verify(r).outcome()).isEqualTo(Outcome.MISSING_KEY);
        ApiKeyVerifier v = builder().queryParameter("api_key").build();
        assertThat(v.verify(r).isAllowed()).isTrue();
        AccessRequest both = request("X-API-Key", issue("a:b")).queryParameters(n -> List.of(k)).build();
        assertThat(v.verify(both).status()).isEqualTo(400);
    }

    @Test
    void controlCharactersAndOverlongValuesAreRejectedWithoutALookup() {
        for (String bad : new String[] {"ak_live_\u0000abc", "ak\tlive", "x\u007f", "a\u0085b", "k".repeat(257)}) {
            Decision d = verifier.verify(request("X-API-Key", bad).build());
            assertThat(d.status()).as(bad.length() + " chars").isEqualTo(400);
        }
        assertThat(verifier.verify(request("X-API-Key", "x", "X-API-Key", "x", "X-API-Key", "x", "X-API-Key", "x",
                "X-API-Key", "x", "X-API-Key", "x", "X-API-Key", "x", "X-API-Key", "x", "X-API-Key", "x", "X-API-Key", "x",
                "X-API-Key", "x", "X-API-Key", "x", "X-API-Key", "x", "X-API-Key", "x", "X-API-Key", "x", "X-API-Key", "x",
                "X-API-Key", "x").build()).status()).isEqualTo(400);
        assertThat(store.digestLookups.get()).isZero();
    }

    @Test
    void aMalformedKeyCausesZeroStoreCalls() {
        String k = issue("a:b");
        String broken = k.substring(0, 20) + (k.charAt(20) == 'A' ? 'B' : 'A') + k.substring(21);
        for (String bad : new String[] {broken, k + "x", "ak_live_short", "ak_prod_" + k.substring(8), "ｋｅｙ", "null"}) {
            assertThat(verifier.verify(request("X-API-Key", bad).build()).status()).isEqualTo(401);
        }
        assertThat(store.digestLookups.get()).isZero();
        verifier.verify(request("X-API-Key", k).build());
        assertThat(store.digestLookups.get()).isEqualTo(1);
    }

    @Test
    void thePeerAddressIsReadOnlyWhenSomethingNeedsItAndAtMostOncePerRequest() {
        ApiKeyVerifier v = builder().auditSink(AuditSink.NONE)
                .clientThrottle(new ClientThrottle(true, RateLimit.parse("2/1m"), 100, List.of())).build();
        String good = issue("a:b");
        String fenced = manager.issue(KeyRequest.builder().owner("o").allowedCidrs("192.0.2.0/24").build()).key().reveal();
        AtomicInteger asks = new AtomicInteger();
        Function<String, AccessRequest> from = key -> request("X-API-Key", key)
                .remoteAddressFrom(() -> {
                    asks.incrementAndGet();
                    return "198.51.100.7";
                }).build();

        // Nobody has failed yet and the key has no allowlist: nothing needs the address.
        assertThat(v.verify(from.apply(good)).isAllowed()).isTrue();
        assertThat(asks.get()).isZero();
        // A key with an allowlist needs it (a refusal there is not a failed authentication: nothing is counted).
        assertThat(v.verify(from.apply(fenced)).status()).isEqualTo(403);
        assertThat(asks.getAndSet(0)).isEqualTo(1);
        assertThat(v.verify(from.apply(good)).isAllowed()).isTrue();
        assertThat(asks.get()).isZero();
        // An unknown key is counted against its address, read once.
        assertThat(v.verify(from.apply(KeyFormat.ofDefaults().generate(Environment.LIVE).reveal())).status())
                .isEqualTo(401);
        assertThat(asks.getAndSet(0)).isEqualTo(1);
        // A malformed key is counted against its address; past two failures its failing attempts get 429.
        assertThat(v.verify(from.apply("ak_live_nope")).status()).isEqualTo(401);
        assertThat(asks.getAndSet(0)).isEqualTo(1);
        assertThat(v.verify(from.apply("ak_live_nope")).status()).isEqualTo(429);
        assertThat(asks.getAndSet(0)).isEqualTo(1);
        // The throttle is never asked about a key that verifies, so even a throttled client's allowed request
        // does not need the address.
        assertThat(v.verify(from.apply(good)).isAllowed()).isTrue();
        assertThat(asks.get()).isZero();
        // The remembered answer is the supplier's, also when it is null (unknown peer: an allowlist refuses it).
        asks.set(0);
        AccessRequest unknownPeer = request("X-API-Key", fenced).remoteAddressFrom(() -> {
            asks.incrementAndGet();
            return null;
        }).build();
        assertThat(v.verify(unknownPeer).status()).isEqualTo(403);
        assertThat(unknownPeer.remoteAddress()).isNull();
        assertThat(asks.get()).isEqualTo(1);
    }

    @Test
    void allowlistsMatchIpv4AndIpv6Networks() {
        String k = manager.issue(KeyRequest.builder().owner("o").allowedCidrs("192.0.2.0/24", "2001:db8::/32").build())
                .key().reveal();
        assertThat(verifier.verify(request("X-API-Key", k).remoteAddress("192.0.2.200").build()).isAllowed()).isTrue();
        assertThat(verifier.verify(request("X-API-Key", k).remoteAddress("2001:db8:1::5").build()).isAllowed()).isTrue();
        assertThat(verifier.verify(request("X-API-Key", k).remoteAddress("::ffff:192.0.2.1").build()).isAllowed()).isTrue();
        assertThat(verifier.verify(request("X-API-Key", k).remoteAddress("192.0.3.1").build()).problem())
                .isEqualTo(Problem.FORBIDDEN);
        assertThat(verifier.verify(request("X-API-Key", k).remoteAddress("2001:db9::1").build()).status()).isEqualTo(403);
        assertThat(verifier.verify(request("X-API-Key", k).remoteAddress(null).build()).status()).isEqualTo(403);
    }

    @Test
    void notBeforeKeepsAKeyInvalidUntilItsTime() {
        String k = manager.issue(KeyRequest.builder().owner("o").notBefore(clock.instant().plusSeconds(60)).build())
                .key().reveal();
        assertThat(verifier.verify(request("X-API-Key", k).build()).outcome()).isEqualTo(Outcome.NOT_YET_VALID_KEY);
        clock.advance(Duration.ofSeconds(60));
        assertThat(verifier.verify(request("X-API-Key", k).build()).isAllowed()).isTrue();
    }

    @Test
    void theAllowedDecisionCarriesThePrincipal() {
        String k = issue("billing:*");
        Decision d = verifier.verify(request("X-API-Key", k).requirement(ScopeRequirement.all("billing:read")).build());
        assertThat(d.isAllowed()).isTrue();
        assertThat(d.status()).isEqualTo(200);
        ApiKeyPrincipal p = d.principal();
        assertThat(p.owner()).isEqualTo("app");
        assertThat(p.getName()).startsWith("key_");
        assertThat(p.hasScope("billing:write")).isTrue();
        assertThat(p.hasScope("reports:read")).isFalse();
        assertThat(p.toString()).doesNotContain(k);
    }

    @Test
    void thePrincipalShowsTheStoredRecordAsItIsAtEachRequest() {
        String k = issue("billing:read");
        ApiKeyPrincipal first = verifier.verify(request("X-API-Key", k).build()).principal();
        assertThat(first.hasScope("billing:read")).isTrue();
        KeyRecord stored = manager.get(first.id()).orElseThrow();
        store.update(stored.toBuilder().scopes(ScopeSet.parse("billing:write")).owner("other").build());
        ApiKeyPrincipal changed = verifier.verify(request("X-API-Key", k).build()).principal();
        assertThat(changed.id()).isEqualTo(first.id());
        assertThat(changed.owner()).isEqualTo("other");
        assertThat(changed.hasScope("billing:write")).isTrue();
        assertThat(changed.hasScope("billing:read")).isFalse();
    }

    @Test
    void everyDecisionIsAuditedOnceWithEscapedFieldsAndNeverTheKey() {
        String k = issue("a:b");
        verifier.verify(request("X-API-Key", k).path("/x\r\nforged=1").build());
        verifier.verify(request("X-API-Key", k + "0").build());
        verifier.verify(request().build());
        assertThat(events).hasSize(3);
        AuditEvent ok = events.get(0);
        assertThat(ok.outcome()).isEqualTo(Outcome.ALLOWED);
        assertThat(ok.keyId()).startsWith("key_");
        assertThat(ok.owner()).isEqualTo("app");
        assertThat(ok.clientAddress()).isEqualTo("198.51.100.7");
        assertThat(ok.toLine()).doesNotContain("\r").doesNotContain("\n").contains("\\r\\nforged=1");
        assertThat(events.get(1).outcome()).isEqualTo(Outcome.MALFORMED_KEY);
        assertThat(events.get(2).outcome()).isEqualTo(Outcome.MISSING_KEY);
        for (AuditEvent e : events) {
            assertThat(e.toLine()).doesNotContain(k).doesNotContain(k.substring(8, 40));
        }
    }

    @Test
    void aRefusedAmbiguousPathIsAnsweredAndAuditedWithoutReadingTheKey() {
        Decision d = verifier.rejectInvalidPath(request("X-API-Key", issue("a:b")).path("/billing/..%2Fadmin").build());
        assertThat(d.status()).isEqualTo(400);
        assertThat(d.problem().slug()).isEqualTo("invalid-request");
        assertThat(store.digestLookups.get()).isZero();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.INVALID_PATH);
            assertThat(e.path()).isEqualTo("/billing/..%2Fadmin");
            assertThat(e.keyId()).isNull();
        });
    }

    @Test
    void lastUsedIsWrittenAtMostOnceAMinute() {
        String k = issue("a:b");
        String id = manager.list(dev.apikey.spi.KeyQuery.all()).get(0).id();
        verifier.verify(request("X-API-Key", k).build());
        KeyRecord first = manager.get(id).orElseThrow();
        assertThat(first.lastUsed()).isEqualTo(clock.instant());
        clock.advance(Duration.ofSeconds(30));
        verifier.verify(request("X-API-Key", k).build());
        assertThat(manager.get(id).orElseThrow().lastUsed()).isEqualTo(first.lastUsed());
        clock.advance(Duration.ofSeconds(30));
        verifier.verify(request("X-API-Key", k).build());
        assertThat(manager.get(id).orElseThrow().lastUsed()).isEqualTo(clock.instant());
    }

    @Test
    void aFailingRateLimiterFailsClosedByDefaultAndOpenWhenConfigured() {
        String k = manager.issue(KeyRequest.builder().owner("o").rateLimit("5/1s").build()).key().reveal();
        dev.apikey.spi.RateLimiter broken = (id, p, now) -> {
            throw new IllegalStateException("down");
        };
        assertThat(builder().rateLimiter(broken).build().verify(request("X-API-Key", k).build()).status()).isEqualTo(503);
        Decision open = builder().rateLimiter(broken).rateLimiterFailOpen(true).build().verify(request("X-API-Key", k).build());
        assertThat(open.isAllowed()).isTrue();
        assertThat(open.headers()).isEmpty();
    }

    @Test
    void aFailingStoreNeverAllows() {
        String k = issue("a:b");
        store.failing = true;
        Decision d = verifier.verify(request("X-API-Key", k).build());
        assertThat(d.isAllowed()).isFalse();
        assertThat(d.status()).isEqualTo(503);
        assertThat(events.get(events.size() - 1).outcome()).isEqualTo(Outcome.STORE_UNAVAILABLE);
    }

    @Test
    void aThrowingAuditSinkDoesNotChangeTheDecision() {
        String k = issue("a:b");
        ApiKeyVerifier v = builder().auditSink(e -> {
            throw new IllegalStateException("sink down");
        }).build();
        assertThat(v.verify(request("X-API-Key", k).build()).isAllowed()).isTrue();
    }

    @Test
    void badSettingsFailFastNamingTheValue() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder().realm("a\"b")).hasMessageContaining("realm");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder().headerName("X Key")).hasMessageContaining("header name");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder().headerName("authorization")).hasMessageContaining("Authorization");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder().trustedProxies(List.of("proxy.local")))
                .hasMessageContaining("CIDR");
    }
}
