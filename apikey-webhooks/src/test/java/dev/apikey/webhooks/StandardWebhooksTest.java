package dev.apikey.webhooks;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.events.KeyEvents;
import dev.apikey.spi.LifecycleEvent;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sender against a real receiver on 127.0.0.1 that checks every signature with its own code. */
class StandardWebhooksTest {
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(random(32));
    private Receiver receiver;
    private StandardWebhooks webhooks;

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private StandardWebhooks start(StandardWebhooks.Builder b) throws Exception {
        webhooks = b.build();
        return webhooks;
    }

    private StandardWebhooks.Builder to(Receiver r) {
        return StandardWebhooks.builder(r.uri(), SECRET).backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .timeout(Duration.ofSeconds(5));
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static LifecycleEvent revoke(String id) {
        return new LifecycleEvent(Instant.now(), LifecycleEvent.Action.REVOKE, "cli", id, null);
    }

    @AfterEach
    void stop() throws Exception {
        if (webhooks != null) {
            webhooks.close(Duration.ofSeconds(1));
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void aRevocationThroughTheKeyManagerArrivesSignedWithIdsOnly() throws Exception {
        receiver = new Receiver(SECRET);
        StandardWebhooks sender = start(to(receiver));
        KeyManager manager = KeyManager.builder(new InMemoryKeyStore()).auditSink(KeyEvents.auditSink(sender)).build();
        IssuedKey k = manager.issue(KeyRequest.builder().owner("partner-x").scopes("billing:read").build());
        manager.revoke(k.record().id());

        await("two deliveries", () -> sender.delivered() == 2);
        assertThat(receiver.deliveries).hasSize(2).allSatisfy(d -> {
            assertThat(d.verified()).as("signature of %s", d.id()).isTrue();
            assertThat(d.id()).startsWith("msg_");
            assertThat(d.body()).doesNotContain(k.key().reveal()).doesNotContain(k.record().digest().encoded())
                    .contains("\"keyId\":\"" + k.record().id() + "\"");
        });
        assertThat(receiver.deliveries.get(0).body()).startsWith("{\"type\":\"apikey.key.issued\"");
        assertThat(receiver.deliveries.get(1).body()).startsWith("{\"type\":\"apikey.key.revoked\"");
    }

    @Test
    void aFailingReceiverGetsTheSameMessageAgainUntilItTakesItAndA400IsFinal() throws Exception {
        receiver = new Receiver(SECRET);
        receiver.answer(500, 503);
        StandardWebhooks sender = start(to(receiver));

        sender.onEvent(revoke("key_AAAAAAAAAAAAAAAAAAAA"));
        await("delivered on the third attempt", () -> sender.delivered() == 1);
        assertThat(receiver.deliveries).hasSize(3).allMatch(Receiver.Delivery::verified);
        assertThat(receiver.deliveries).extracting(Receiver.Delivery::id).containsOnly(receiver.deliveries.get(0).id());

        receiver.answer(400);
        sender.onEvent(revoke("key_BBBBBBBBBBBBBBBBBBBB"));
        await("given up", () -> sender.failed() == 1);
        assertThat(receiver.deliveries).hasSize(4);
    }

    @Test
    void whenTheReceiverHangsTheCallerIsNeverHeldAndTheOverflowIsDropped() throws Exception {
        receiver = new Receiver(SECRET);
        receiver.hold();
        StandardWebhooks sender = start(to(receiver).queue(5));
        sender.onEvent(revoke("key_AAAAAAAAAAAAAAAAAAAA"));
        assertThat(receiver.firstArrived.await(30, TimeUnit.SECONDS)).isTrue();

        for (int i = 0; i < 20; i++) {
            sender.onEvent(revoke("key_AAAAAAAAAAAAAAAAAAAA"));
        }

        assertThat(sender.dropped()).as("20 events while one is in flight and 5 wait").isEqualTo(15);
        receiver.release();
        await("the queued five and the first", () -> sender.delivered() == 6);
    }

    @Test
    void theSecretMustBeAWhsecSecretAndIsNeverShown() {
        for (String bad : new String[] {"not-a-secret", "whsec_!!!", "whsec_" + Base64.getEncoder().encodeToString(random(8))}) {
            assertThatThrownBy(() -> StandardWebhooks.builder(URI.create("https://example.invalid/hooks"), bad))
                    .isInstanceOf(InvalidConfigurationException.class).hasMessageNotContaining(bad);
        }
        assertThatThrownBy(() -> StandardWebhooks.builder(URI.create("ftp://example.invalid/"), SECRET))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThat(WebhookSecret.parse(SECRET).toString()).doesNotContain(SECRET.substring(6));
        assertThat(StandardWebhooks.type(LifecycleEvent.Action.EXPIRING)).isEqualTo("apikey.key.expiring");
    }
}
