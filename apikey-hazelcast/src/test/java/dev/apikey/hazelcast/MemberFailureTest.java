package dev.apikey.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.Decision;
import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyRequest;
import dev.apikey.KeyStatus;
import dev.apikey.RateLimitPolicy;
import dev.apikey.spi.KeyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** A member is terminated while the cluster is under load; with backup count 1 nothing is lost. */
class MemberFailureTest {
    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start("member-failure", 3);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void terminatedMemberLosesNoRecordRevocationOrRateLimitState() throws Exception {
        HazelcastOptions options = TestCluster.freshMaps().build();
        String bucket = "key_failover";
        // The victim owns the rate-limit state's partition, so its backup must take over.
        cluster.member(0).getMap(options.rateLimitMap()).get(bucket);
        // Every member must see the same owner before one is picked as the victim: partition tables reach
        // members asynchronously after the cluster forms.
        TestCluster.awaitTrue(Duration.ofSeconds(10), () -> cluster.members.stream().allMatch(m ->
                        m.getPartitionService().getPartition(bucket).getOwner() != null && m.getPartitionService().isClusterSafe()),
                "partitions assigned on every member");
        HazelcastInstance victim = cluster.members.stream()
                .filter(m -> m.getPartitionService().getPartition(bucket).getOwner().getUuid()
                        .equals(m.getCluster().getLocalMember().getUuid()))
                .findFirst().orElseThrow();
        List<HazelcastInstance> survivors = cluster.members.stream().filter(m -> m != victim).toList();
        ApiKeyHazelcast writer = ApiKeyHazelcast.from(survivors.get(0), options);
        ApiKeyHazelcast reader = ApiKeyHazelcast.from(survivors.get(1), options);
        KeyManager manager = KeyManager.builder(writer.keyStore()).build();

        List<IssuedKey> active = new ArrayList<>();
        List<IssuedKey> revoked = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            IssuedKey k = manager.issue(KeyRequest.builder().owner("failover").build());
            if (i % 3 == 0) {
                manager.revoke(k.record().id());
                revoked.add(k);
            } else {
                active.add(k);
            }
        }
        RateLimitPolicy policy = RateLimitPolicy.parse("50/1d");
        long now = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < 30; i++) {
            assertThat(writer.rateLimiter().tryAcquire(bucket, policy, now).allowed()).isTrue();
        }

        ApiKeyVerifier verifier = ApiKeyVerifier.builder(reader.keyStore()).clientThrottle(ClientThrottle.disabled()).build();
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> revokedAllowed = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        List<Future<?>> load = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            load.add(pool.submit(() -> {
                while (!stop.get()) {
                    IssuedKey k = revoked.get(ThreadLocalRandom.current().nextInt(revoked.size()));
                    Decision d = verifier.verify(Fixtures.request(k.key().reveal()));
                    if (d.isAllowed()) {
                        revokedAllowed.add(k.record().id());
                    }
                }
            }));
        }
        // Revocations keep coming while the member dies.
        ConcurrentLinkedQueue<IssuedKey> revokedDuringFailure = new ConcurrentLinkedQueue<>();
        Future<?> revoker = pool.submit(() -> {
            for (IssuedKey k : active.subList(0, 40)) {
                try {
                    manager.revoke(k.record().id());
                    revokedDuringFailure.add(k);
                } catch (RuntimeException e) {
                    // A revocation the store could not confirm (503 to the admin) does not count as done.
                }
            }
        });
        victim.getLifecycleService().terminate();
        revoker.get();
        TestCluster.awaitTrue(Duration.ofSeconds(20), () -> survivors.stream().allMatch(m -> m.getCluster().getMembers().size() == 2),
                "survivors see the member gone");
        stop.set(true);
        for (Future<?> f : load) {
            f.get();
        }
        pool.shutdown();

        assertThat(revokedAllowed).as("revoked keys allowed during failover").isEmpty();
        assertThat(revokedDuringFailure).isNotEmpty();
        for (ApiKeyHazelcast hz : List.of(writer, reader)) {
            KeyStore store = hz.keyStore();
            for (IssuedKey k : active) {
                KeyRecord r = store.findById(k.record().id()).orElseThrow();
                assertThat(r.status()).isEqualTo(revokedDuringFailure.contains(k) ? KeyStatus.REVOKED : KeyStatus.ACTIVE);
            }
            for (IssuedKey k : revoked) {
                assertThat(store.findById(k.record().id()).orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
            }
        }
        // 30 of 50 permits were spent before the failure; the backup holds that state, so 20 remain.
        int more = 0;
        while (reader.rateLimiter().tryAcquire(bucket, policy, now).allowed()) {
            more++;
        }
        assertThat(more).isEqualTo(20);
    }
}
