package dev.apikey.hazelcast;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.Outcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Split-brain protection ({@link HazelcastOptions.Builder#minimumClusterSize}): a member left with fewer members
 * than the minimum, as the smaller side of a split is, answers 503 for every key instead of serving records the
 * other side may have revoked, and serves again once the cluster is whole.
 */
class SplitBrainProtectionTest {
    private static final List<HazelcastInstance> MEMBERS = new ArrayList<>();

    @AfterAll
    static void stopMembers() {
        MEMBERS.forEach(m -> m.getLifecycleService().terminate());
    }

    @Test
    void aMemberBelowTheMinimumClusterSizeFailsClosedUntilTheClusterIsWholeAgain() {
        HazelcastOptions protectedMembers = HazelcastOptions.from(TestCluster.MEMBER_OPTIONS).minimumClusterSize(2).build();
        String name = "protected-" + UUID.randomUUID().toString().substring(0, 8);
        List<Integer> ports = TestCluster.freePorts(2);
        HazelcastInstance a = start(name, ports.get(0), ports, protectedMembers);
        HazelcastInstance b = start(name, ports.get(1), ports, protectedMembers);
        TestCluster.awaitTrue(Duration.ofSeconds(30), () -> a.getCluster().getMembers().size() == 2
                && a.getPartitionService().isClusterSafe(), "two members");
        ApiKeyHazelcast hz = ApiKeyHazelcast.from(a, TestCluster.freshMaps().build());
        IssuedKey key = KeyManager.builder(hz.keyStore()).build().issue(KeyRequest.builder().owner("protected").build());
        ApiKeyVerifier verifier = ApiKeyVerifier.builder(hz.keyStore()).clientThrottle(ClientThrottle.disabled()).build();
        assertThat(verifier.verify(Fixtures.request(key.key().reveal())).outcome()).isEqualTo(Outcome.ALLOWED);

        b.getLifecycleService().terminate();
        TestCluster.awaitTrue(Duration.ofSeconds(30), () -> a.getCluster().getMembers().size() == 1, "member B gone");
        // Hazelcast re-evaluates the protection from a membership event on its event threads: on a loaded 2-core host
        // that came later than 10 s after the member list showed one member (twice in a week), so the bound is the
        // same 30 s as the other waits; it bounds the wait, it is not a latency claim.
        TestCluster.awaitTrue(Duration.ofSeconds(30),
                () -> verifier.verify(Fixtures.request(key.key().reveal())).outcome() == Outcome.STORE_UNAVAILABLE,
                "the lone member refuses to answer");
        assertThat(verifier.verify(Fixtures.request(key.key().reveal())).status()).isEqualTo(503);

        start(name, ports.get(1), ports, protectedMembers);
        TestCluster.awaitTrue(Duration.ofSeconds(30),
                () -> verifier.verify(Fixtures.request(key.key().reveal())).outcome() == Outcome.ALLOWED,
                "served again with two members");
    }

    private static HazelcastInstance start(String name, int port, List<Integer> ports, HazelcastOptions options) {
        HazelcastInstance m = Hazelcast.newHazelcastInstance(TestCluster.memberConfig(name, port, ports, options));
        MEMBERS.add(m);
        return m;
    }
}
