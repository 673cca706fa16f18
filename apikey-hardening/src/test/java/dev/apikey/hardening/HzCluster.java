package dev.apikey.hardening;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.apikey.hazelcast.ApiKeyHazelcast;
import dev.apikey.hazelcast.HazelcastOptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Real Hazelcast members for the suite: loopback only, TCP/IP join with an explicit member list, multicast and
 * auto-detection off, phone-home off, ports from 5901-5999 (the hazelcast module's tests use 5801-5899, the demo
 * 5701-5710), a cluster name unique per cluster, and short timings.
 */
final class HzCluster implements AutoCloseable {
    private static final int FIRST_PORT = 5901;
    private static final int LAST_PORT = 5999;
    private static int nextPort = FIRST_PORT;

    final List<HazelcastInstance> members = new ArrayList<>();
    final HazelcastOptions options = HazelcastOptions.custom()
            .mapNamePrefix("apikey-" + UUID.randomUUID().toString().substring(0, 8)).build();

    static HzCluster start(int size) {
        HzCluster c = new HzCluster();
        String name = "hardening-" + UUID.randomUUID().toString().substring(0, 8);
        List<Integer> ports = freePorts(size);
        c.members.add(Hazelcast.newHazelcastInstance(config(name, ports.get(0), ports)));
        List<CompletableFuture<HazelcastInstance>> rest = new ArrayList<>();
        for (int i = 1; i < size; i++) {
            int port = ports.get(i);
            rest.add(CompletableFuture.supplyAsync(() -> Hazelcast.newHazelcastInstance(config(name, port, ports))));
        }
        rest.forEach(f -> c.members.add(f.join()));
        awaitTrue(Duration.ofSeconds(30), () -> c.members.stream().allMatch(m -> m.getCluster().getMembers().size() == size
                && m.getPartitionService().isClusterSafe()), "cluster of " + size + " formed and safe");
        return c;
    }

    ApiKeyHazelcast on(int member) {
        return ApiKeyHazelcast.from(members.get(member), options);
    }

    private static synchronized List<Integer> freePorts(int count) {
        List<Integer> out = new ArrayList<>();
        while (out.size() < count) {
            if (nextPort > LAST_PORT) {
                nextPort = FIRST_PORT;
            }
            int p = nextPort++;
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getByName("127.0.0.1"))) {
                s.setReuseAddress(true);
                out.add(p);
            } catch (IOException busy) {
                // Taken: try the next one.
            }
        }
        return out;
    }

    private static Config config(String clusterName, int port, List<Integer> ports) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.partition.count", "31");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.operation.thread.count", "2");
        config.setProperty("hazelcast.operation.generic.thread.count", "2");
        config.setProperty("hazelcast.event.thread.count", "2");
        config.setProperty("hazelcast.io.thread.count", "1");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "6");
        config.setProperty("hazelcast.graceful.shutdown.max.wait", "5");
        config.setProperty("hazelcast.health.monitoring.level", "OFF");
        config.getJetConfig().setEnabled(false);
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2);
        for (int p : ports) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + p);
        }
        return ApiKeyHazelcast.configure(config, HazelcastOptions.custom().mapNamePrefix("apikey*").build());
    }

    /** Polls {@code condition} (a cluster event) until it holds or {@code max} passes. */
    static void awaitTrue(Duration max, BooleanSupplier condition, String what) {
        long end = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + max + " waiting for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }

    @Override
    public void close() {
        for (HazelcastInstance m : members) {
            if (m.getLifecycleService().isRunning()) {
                m.getLifecycleService().terminate();
            }
        }
    }
}
