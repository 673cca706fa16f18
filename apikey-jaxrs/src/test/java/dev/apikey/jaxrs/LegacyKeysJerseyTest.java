package dev.apikey.jaxrs;

import dev.apikey.ApiKeyVerifier;
import dev.apikey.ImportedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.store.InMemoryKeyStore;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** An imported legacy key on a real Jersey app: refused by default, accepted once the verifier's legacy path is on. */
class LegacyKeysJerseyTest {
    private static final String OLD_KEY = "ghp_AnotherSystemsTokenValue1234";

    private static HttpResponse<String> whoami(boolean legacy) throws Exception {
        InMemoryKeyStore store = new InMemoryKeyStore();
        KeyManager manager = KeyManager.builder(store).build();
        manager.importKey(ImportedKey.plaintext(OLD_KEY, KeyRequest.builder().owner("ci").tenant("acme")
                .scopes("billing:read").build()));
        try (ApiKeyVerifier verifier = ApiKeyVerifier.builder(store).from(manager).legacyKeys(legacy)
                .auditSink(e -> { }).build();
             JerseyServer server = JerseyServer.start(new ResourceConfig(TestResources.Api.class)
                     .register(new ApiKeyFeature(verifier)))) {
            return server.get("/api/whoami", "Authorization", "Bearer " + OLD_KEY);
        }
    }

    @Test
    void aLegacyKeyIsRefusedUntilTheLegacyPathIsOn() throws Exception {
        HttpResponse<String> off = whoami(false);
        assertThat(off.statusCode()).isEqualTo(401);
        assertThat(off.body()).doesNotContain(OLD_KEY);

        HttpResponse<String> on = whoami(true);
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
        assertThat(JerseyServer.json(on).path("owner").asText()).isEqualTo("ci");
        assertThat(JerseyServer.json(on).path("tenant").asText()).isEqualTo("acme");
        assertThat(on.body()).doesNotContain(OLD_KEY);
    }
}
