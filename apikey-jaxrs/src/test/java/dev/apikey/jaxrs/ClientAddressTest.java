package dev.apikey.jaxrs;

import dev.apikey.ApiKeyVerifier;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.spi.AuditSink;
import dev.apikey.store.InMemoryKeyStore;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The peer address reaches the feature as a supplier (see {@link JerseyServer}), which is asked only when the
 * verifier needs the address, at most once per request, and whose answer decides a key's allowlist.
 */
class ClientAddressTest {
    private static final InMemoryKeyStore STORE = new InMemoryKeyStore();
    private static final KeyManager MANAGER = KeyManager.builder(STORE).build();
    private static ApiKeyVerifier verifier;
    private static JerseyServer server;

    @BeforeAll
    static void start() {
        // No audit sink: one that takes allowed events would ask for every request's address.
        verifier = ApiKeyVerifier.builder(STORE).from(MANAGER).auditSink(AuditSink.NONE).build();
        server = JerseyServer.start(new ResourceConfig(TestResources.Api.class).register(new ApiKeyFeature(verifier)));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        verifier.close();
    }

    private static String key(KeyRequest.Builder request) {
        return MANAGER.issue(request.owner("address-test").scopes("billing:read").build()).key().reveal();
    }

    /** The status of one request with {@code key}, and how many times it asked for the address. */
    private static int[] call(String key) {
        int before = JerseyServer.ADDRESS_READS.get();
        int status = server.get("/api/invoices", "X-API-Key", key).statusCode();
        return new int[] {status, JerseyServer.ADDRESS_READS.get() - before};
    }

    @Test
    void theAddressIsAskedForOnlyWhenTheVerifierNeedsIt() {
        // A key without an allowlist, and nobody being throttled: over HTTPS the address is never needed; over the
        // plain HTTP of this test it is, once, to tell that the client is on this host (CleartextKeys).
        assertThat(call(key(KeyRequest.builder()))).containsExactly(200, 1);
        // An allowlist needs it, once.
        assertThat(call(key(KeyRequest.builder().allowedCidrs("127.0.0.0/8")))).containsExactly(200, 1);
        assertThat(call(key(KeyRequest.builder().allowedCidrs("10.0.0.0/8")))).containsExactly(403, 1);
        // A failed attempt is counted against its client, so it needs the address too.
        assertThat(call("ak_live_not-a-key")[1]).isEqualTo(1);
    }
}
