package dev.apikey.internal.pipeline;

import dev.apikey.ApiKey;
import dev.apikey.KeyDigest;
import dev.apikey.KeyHasher;
import dev.apikey.KeyRecord;
import dev.apikey.Outcome;
import dev.apikey.Pepper;
import dev.apikey.spi.ForwardingKeyStore;
import dev.apikey.spi.StoreUnavailableException;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static dev.apikey.internal.pipeline.Requests.found;
import static dev.apikey.internal.pipeline.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

class LookupStageTest {
    private final InMemoryKeyStore memory = new InMemoryKeyStore();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private volatile RuntimeException failure;
    private final ForwardingKeyStore store = new ForwardingKeyStore(memory) {
        @Override
        protected void beforeLookup(KeyDigest digest) {
            asked.add(digest.scheme());
            if (failure != null) {
                throw failure;
            }
        }
    };

    private Attempt parsed(ApiKey key) {
        Attempt a = found(request().build(), key, null);
        a.record = null;
        return a;
    }

    @Test
    void aStoredKeyIsFoundAndAnUnknownOneIsRefused() {
        ApiKey k = Requests.key();
        KeyRecord stored = memory.create(Requests.recordOf(k).build());
        LookupStage stage = new LookupStage(store, KeyHasher.sha256(), Requests.responses(), null, 1, 1);
        Attempt a = parsed(k);
        assertThat(stage.check(a)).isNull();
        assertThat(a.record.id()).isEqualTo(stored.id());
        assertThat(stage.check(parsed(Requests.key())).outcome()).isEqualTo(Outcome.UNKNOWN_KEY);
    }

    @Test
    void everyPepperSchemeIsTriedCurrentFirstUntilOneFindsTheKey() {
        Pepper old = new Pepper(1, new byte[32]);
        byte[] secret = new byte[32];
        secret[0] = 1;
        KeyHasher rotating = KeyHasher.hmac(new Pepper(2, secret), old);
        ApiKey k = Requests.key();
        memory.create(Requests.recordOf(k).digest(KeyHasher.hmac(old).digest(k)).build());
        LookupStage stage = new LookupStage(store, rotating, Requests.responses(), null, 1, 1);
        assertThat(stage.check(parsed(k))).isNull();
        assertThat(asked).containsExactly("hmac-v2", "hmac-v1");
    }

    @Test
    void aFailingStoreIsUnavailableAndTheAnswerNamesNothingOfIt() {
        failure = new StoreUnavailableException("down at jdbc://secret-host");
        LookupStage stage = new LookupStage(store, KeyHasher.sha256(), Requests.responses(), null, 1, 1);
        var d = stage.check(parsed(Requests.key()));
        assertThat(d.outcome()).isEqualTo(Outcome.STORE_UNAVAILABLE);
        assertThat(d.body()).doesNotContain("secret-host");
    }

    @Test
    void aLookupThatOutlastsTheTimeoutIsUnavailable() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ForwardingKeyStore hanging = new ForwardingKeyStore(memory) {
            @Override
            protected void beforeLookup(KeyDigest digest) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (LookupStage stage = new LookupStage(hanging, KeyHasher.sha256(), Requests.responses(),
                Duration.ofMillis(20), 1, 1)) {
            assertThat(stage.check(parsed(Requests.key())).outcome()).isEqualTo(Outcome.STORE_UNAVAILABLE);
        } finally {
            release.countDown();
        }
    }
}
