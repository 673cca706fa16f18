package dev.apikey.servlet;

import dev.apikey.KeyRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A limit counted per owner, through the web.xml application on Jetty: a client holding several keys gets the
 * owner's budget once, whichever key it sends, and the headers name the shared limit.
 */
class SharedLimitsOverHttpTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void severalKeysOfOneOwnerShareItsBudgetAndTheHeadersSaySo() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            keys.add(server.issue(KeyRequest.builder().owner("partner-x").scopes("billing:read")
                    .rateLimit("5/1h per owner")));
        }
        String other = server.issue(KeyRequest.builder().owner("partner-y").scopes("billing:read")
                .rateLimit("5/1h per owner"));

        int ok = 0;
        TestServer.Response last = null;
        for (int round = 0; round < 4; round++) {
            for (String key : keys) {
                last = server.get("/billing/invoices", "X-API-Key", key);
                ok += last.status() == 200 ? 1 : 0;
            }
        }

        assertThat(ok).as("12 requests over 3 keys of one owner").isEqualTo(5);
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.header("RateLimit-Policy")).isEqualTo("\"5-per-1h-owner\";q=5;w=3600");
        assertThat(last.header("RateLimit")).startsWith("\"5-per-1h-owner\";r=0;");
        assertThat(last.header("Retry-After")).isNotNull();
        TestServer.Response fresh = server.get("/billing/invoices", "X-API-Key", other);
        assertThat(fresh.status()).isEqualTo(200);
        assertThat(fresh.header("RateLimit")).startsWith("\"5-per-1h-owner\";r=4;");
    }
}
