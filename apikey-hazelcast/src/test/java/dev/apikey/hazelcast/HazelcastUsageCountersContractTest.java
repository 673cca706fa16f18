package dev.apikey.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import dev.apikey.spi.UsageCounters;
import dev.apikey.spi.UsageCountersContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The core usage counters contract through a Hazelcast client of a two-member cluster (the rate limiter's suite
 * runs on a member, so both ways of calling are covered). The cluster forgets a counter by a TTL on its members'
 * clocks (at least one second), not by the verifier's clock, so this suite starts at the real time and, to pass
 * an expiry, waits for the real clock: the one test that does waits about a second.
 */
class HazelcastUsageCountersContractTest extends UsageCountersContract {
    private static TestCluster cluster;
    private static HazelcastInstance client;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start("counters-contract", 2);
        client = cluster.newClient();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    protected UsageCounters newCounters(Clock clock) {
        return ApiKeyHazelcast.from(client, TestCluster.freshMaps().build()).usageCounters();
    }

    @Override
    protected Instant start() {
        return Instant.now();
    }

    /** The TTL is at least a second from the increment, and members check it at a coarse grain: a margin. */
    @Override
    protected void passTime(TestClock clock, Duration d) {
        clock.advance(d);
        Instant until = clock.instant().plusSeconds(1);
        TestCluster.awaitTrue(d.plusSeconds(5), () -> Instant.now().isAfter(until), "the members' clocks to pass the expiry");
    }
}
