package dev.apikey.hardening;

import dev.apikey.KeyDigest;
import dev.apikey.KeyHasher;
import dev.apikey.KeyRequest;
import dev.apikey.KeyStatus;
import dev.apikey.hardening.TwoApps.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 30, item 3, over real HTTP on both adapters: a key that reached the server over plain HTTP from a client
 * that is not on this host is refused with 403 {@code https-required}, by default before any lookup. Every test
 * request comes from 127.0.0.1, which the {@code /throttled} and {@code /guarded} applications of {@link TwoApps}
 * trust as a proxy: a test names a remote client in {@code X-Forwarded-For} and says in {@code X-Forwarded-Proto}
 * what the proxy received. {@code /guarded} also suspends a key sent in the clear.
 */
class CleartextKeysOverHttpTest {
    private static TwoApps apps;

    @BeforeAll
    static void start() throws Exception {
        apps = new TwoApps();
    }

    @AfterAll
    static void stop() throws Exception {
        apps.close();
    }

    private static RawHttp.Response get(Adapter a, String path, String key, String... headers) {
        List<String> h = new ArrayList<>(List.of("X-API-Key", key));
        h.addAll(List.of(headers));
        return RawHttp.once(apps.port(a), RawHttp.request("GET", path, h.toArray(String[]::new)));
    }

    private static String reader() {
        return apps.issue(KeyRequest.builder().owner("cleartext").scopes("billing:read"));
    }

    @ParameterizedTest
    @EnumSource(Adapter.class)
    void aKeyAProxyReceivedOverPlainHttpIsRefusedWith403BeforeAnyLookup(Adapter a) {
        String key = reader();
        long lookups = apps.store.digestLookups.get();

        RawHttp.Response r = get(a, "/throttled/billing/invoices", key, "X-Forwarded-For", "203.0.113.40",
                "X-Forwarded-Proto", "http");

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.body()).contains("https-required").doesNotContain(key);
        assertThat(apps.store.digestLookups.get()).isEqualTo(lookups);
        // The same key through the same proxy over HTTPS is served.
        assertThat(get(a, "/throttled/billing/invoices", key, "X-Forwarded-For", "203.0.113.40",
                "X-Forwarded-Proto", "https").status()).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(Adapter.class)
    void aProxyThatDoesNotSayHowTheClientConnectedIsTakenAsPlainHttp(Adapter a) {
        String key = reader();
        assertThat(get(a, "/throttled/billing/invoices", key, "X-Forwarded-For", "203.0.113.41").status()).isEqualTo(403);
        // A client cannot claim HTTPS by writing the header itself: the proxy's own value, right-most, counts.
        assertThat(get(a, "/throttled/billing/invoices", key, "X-Forwarded-For", "203.0.113.41",
                "X-Forwarded-Proto", "https", "X-Forwarded-Proto", "http").status()).isEqualTo(403);
    }

    @ParameterizedTest
    @EnumSource(Adapter.class)
    void aClientOnThisHostMayUsePlainHttpForDevelopment(Adapter a) {
        String key = reader();
        assertThat(get(a, "/throttled/billing/invoices", key).status()).isEqualTo(200);
        assertThat(get(a, "/billing/invoices", key).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(Adapter.class)
    void withSuspendAKeySentInTheClearIsSuspendedAndRefusedFromThenOnEvenOverHttps(Adapter a) {
        String key = reader();
        KeyDigest digest = KeyHasher.sha256().digest(dev.apikey.KeyFormat.ofDefaults().parse(key));

        RawHttp.Response r = get(a, "/guarded/billing/invoices", key, "X-Forwarded-For", "203.0.113.42");

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).contains("https-required");
        assertThat(apps.records.findByDigest(digest).orElseThrow().status()).isEqualTo(KeyStatus.SUSPENDED);
        assertThat(get(a, "/guarded/billing/invoices", key, "X-Forwarded-For", "203.0.113.42",
                "X-Forwarded-Proto", "https").status()).isEqualTo(401);
    }

    @ParameterizedTest
    @EnumSource(Adapter.class)
    void withSuspendAnUnknownKeyInTheClearIsAnUnknownKeyAndChangesNothing(Adapter a) {
        String unknown = dev.apikey.KeyFormat.ofDefaults().generate(dev.apikey.Environment.LIVE).reveal();
        RawHttp.Response r = get(a, "/guarded/billing/invoices", unknown, "X-Forwarded-For", "203.0.113.43");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).contains("invalid-key");
    }
}
