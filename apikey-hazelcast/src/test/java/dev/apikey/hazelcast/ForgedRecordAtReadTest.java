package dev.apikey.hazelcast;

import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyRequest;
import dev.apikey.Outcome;
import dev.apikey.hazelcast.internal.MemberInternals;
import dev.apikey.spi.KeyQuery;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 26, item 2: a record whose MAC fails (here written straight into a member's record store, around the
 * write-time checks) is treated as absent when read, and the member logs a warning naming the key id.
 */
class ForgedRecordAtReadTest {
    private static TestCluster cluster;
    private static final List<LogRecord> LOG = new CopyOnWriteArrayList<>();
    private static final Logger APIKEY = Logger.getLogger("dev.apikey");
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord r) {
            LOG.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private static Level before;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start("forged", 1);
        before = APIKEY.getLevel();
        APIKEY.setLevel(Level.WARNING);
        APIKEY.addHandler(CAPTURE);
    }

    @AfterAll
    static void stop() {
        APIKEY.removeHandler(CAPTURE);
        APIKEY.setLevel(before);
        cluster.close();
    }

    @Test
    void aRecordWhoseMacFailsIsTreatedAsAbsentAndAudited() throws Exception {
        ApiKeyHazelcast hz = ApiKeyHazelcast.from(cluster.member(0), TestCluster.freshMaps().build());
        IssuedKey minted = KeyManager.builder(new InMemoryKeyStore()).build()
                .issue(KeyRequest.builder().owner("mallory").scopes("*").build());
        KeyRecord forged = minted.record().toBuilder().version(1).build();
        String digest = forged.digest().encoded();
        MemberInternals.writeAroundTheGuards(cluster.member(0), hz.options().registryMap(), digest, Forgery.sealed(forged));
        MemberInternals.writeAroundTheGuards(cluster.member(0), hz.options().idMap(), forged.id(), digest);

        ApiKeyVerifier verifier = ApiKeyVerifier.builder(hz.keyStore()).clientThrottle(ClientThrottle.disabled()).build();
        AccessRequest request = AccessRequest.builder()
                .headers(n -> n.equalsIgnoreCase("X-API-Key") ? List.of(minted.key().reveal()) : List.of())
                .remoteAddress("127.0.0.1").method("GET").path("/api/invoices").build();
        assertThat(verifier.verify(request).outcome()).isEqualTo(Outcome.UNKNOWN_KEY);
        assertThat(hz.keyStore().findById(forged.id())).isEmpty();
        assertThat(hz.keyStore().list(KeyQuery.all())).isEmpty();

        assertThat(LOG).anySatisfy(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.WARNING);
            assertThat(r.getMessage()).contains(forged.id()).doesNotContain(digest)
                    .doesNotContain(forged.digest().toString());
        });
    }
}
