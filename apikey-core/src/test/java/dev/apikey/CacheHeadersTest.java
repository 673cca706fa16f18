package dev.apikey;

import dev.apikey.internal.CacheHeaders;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 26, item 6, in core: an allowed decision tells the adapters to send {@code Cache-Control: private,
 * no-store} (unless the application sets its own) and to add the key header to {@code Vary}; rejections carry
 * their own {@code no-store}; both parts can be turned off.
 */
class CacheHeadersTest {
    private final InMemoryKeyStore store = new InMemoryKeyStore();
    private final KeyManager manager = KeyManager.builder(store).build();
    private final String key = manager.issue(KeyRequest.builder().owner("o").scopes("a:b").build()).key().reveal();
    private final String limited = manager.issue(KeyRequest.builder().owner("o").rateLimit("5/1m").build()).key().reveal();

    private VerifierBuilder builder() {
        return ApiKeyVerifier.builder(store).from(manager).auditSink(e -> { }).lastUsedExecutor(Runnable::run);
    }

    private static AccessRequest with(String header, String key) {
        return AccessRequest.builder().remoteAddress("192.0.2.1")
                .headers(n -> n.equalsIgnoreCase(header) ? List.of(key) : List.of()).build();
    }

    private static List<String> vary(String... values) {
        return Arrays.asList(values);
    }

    @Test
    void anAllowedDecisionAsksForPrivateNoStoreAndVaryOnTheKeyHeader() {
        ApiKeyVerifier v = builder().build();
        for (String k : List.of(key, limited)) {
            Decision d = v.verify(with("X-API-Key", k));
            assertThat(d.isAllowed()).isTrue();
            assertThat(d.cacheControl()).isEqualTo("private, no-store");
            assertThat(d.vary(List.of())).isEqualTo("X-API-Key");
            // They are not among the headers added as they are: the application's own Cache-Control wins.
            assertThat(d.header("Cache-Control")).isNull();
        }
        Decision custom = builder().headerName("X-Token").build().verify(with("X-Token", key));
        assertThat(custom.vary(List.of("Accept"))).isEqualTo("Accept, X-Token");
    }

    @Test
    void rejectionsCarryNoStoreAndNoVaryInstruction() {
        Decision d = builder().build().verify(with("X-API-Key", "ak_live_nope"));
        assertThat(d.header("Cache-Control")).isEqualTo("no-store");
        assertThat(d.cacheControl()).isNull();
        assertThat(d.vary(List.of())).isNull();
    }

    @Test
    void eachPartCanBeTurnedOff() {
        Decision noCc = builder().privateCacheControl(false).build().verify(with("X-API-Key", key));
        assertThat(noCc.cacheControl()).isNull();
        assertThat(noCc.vary(List.of())).isEqualTo("X-API-Key");
        Decision noVary = builder().varyOnKeyHeader(false).build().verify(with("X-API-Key", limited));
        assertThat(noVary.cacheControl()).isEqualTo("private, no-store");
        assertThat(noVary.vary(List.of("Accept"))).isNull();
    }

    @Test
    void varyKeepsTheApplicationsValuesAndAddsTheKeyHeaderOnce() {
        CacheHeaders h = new CacheHeaders(true, "X-API-Key");
        assertThat(h.vary(null)).isEqualTo("X-API-Key");
        assertThat(h.vary(vary("Accept-Encoding"))).isEqualTo("Accept-Encoding, X-API-Key");
        assertThat(h.vary(vary("Accept, Origin", "Accept-Language"))).isEqualTo("Accept, Origin, Accept-Language, X-API-Key");
        assertThat(h.vary(vary("Origin, x-api-key"))).as("listed already, any case").isNull();
        assertThat(h.vary(vary("*"))).as("varies on everything already").isNull();
        assertThat(h.vary(vary("", null, " Accept ,"))).isEqualTo("Accept, X-API-Key");
        assertThat(new CacheHeaders(false, null).vary(vary("Accept"))).isNull();
        assertThat(new CacheHeaders(false, null).cacheControl()).isNull();
    }
}
