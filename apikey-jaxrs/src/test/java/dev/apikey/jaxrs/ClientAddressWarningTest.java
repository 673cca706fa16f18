package dev.apikey.jaxrs;

import dev.apikey.ApiKeyVerifier;
import dev.apikey.store.InMemoryKeyStore;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jakarta REST cannot tell the feature the client's address, so the one-line setup cannot throttle failing
 * clients on its own: it says so once, at start, in a WARNING that tells how to fix it, and says nothing when
 * the application named the address's source.
 */
class ClientAddressWarningTest {
    private final Logger logger = Logger.getLogger(ApiKeyFeature.class.getName());
    private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        logger.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        logger.removeHandler(capture);
    }

    @Test
    void theOneLineSetupWarnsOnceAtStartThatItHasNoClientAddress() throws Exception {
        ApiKeyVerifier verifier = ApiKeyVerifier.builder(new InMemoryKeyStore()).build();
        try (JerseyServer server = JerseyServer.start(new ResourceConfig(TestResources.Api.class)
                .register(new ApiKeyFeature(verifier)))) {
            assertThat(warnings).hasSize(1);
            String line = warnings.get(0).getMessage();
            assertThat(line).contains("client address").contains("throttled")
                    .contains(ApiKeyFeature.REMOTE_ADDRESS_PROPERTY).contains("withRemoteAddress");
            server.get("/api/invoices", "X-API-Key", "ak_live_nope");
            server.get("/api/invoices");
            assertThat(warnings).as("nothing more per request").hasSize(1);
        }
    }

    @Test
    void aFeatureToldWhereTheAddressComesFromSaysNothing() throws Exception {
        ApiKeyVerifier verifier = ApiKeyVerifier.builder(new InMemoryKeyStore()).build();
        try (JerseyServer server = JerseyServer.start(new ResourceConfig(TestResources.Api.class)
                .register(new ApiKeyFeature(verifier).withRemoteAddress(ApiKeyFeature.fromRequestProperty())))) {
            assertThat(server.get("/api/invoices").statusCode()).isEqualTo(401);
            assertThat(warnings).isEmpty();
        }
    }
}
