package dev.apikey.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

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
 * Real Hazelcast members for tests: loopback only, TCP/IP join with an explicit member list, multicast and
 * auto-detection off, phone-home off, ports taken from 5801-5899 (never the demo's 5701-5710), a cluster
 * name unique per cluster (with the suffix derived from {@link #SECRET}), and timings shortened so a test class starts in seconds. Shipped in this module's
 * test-jar for the hardening suite.
 */
public final class TestCluster implements AutoCloseable {
    /** The cluster secret of every test cluster (32 bytes; a real deployment draws its own at random). */
    public static final byte[] SECRET = "apikey test cluster secret, 32+ bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    /** Members are configured with a wildcard prefix so each test can use maps of its own. */
    static final HazelcastOptions MEMBER_OPTIONS = HazelcastOptions.custom().mapNamePrefix("apikey*").clusterSecret(SECRET)
            .build();
    private static final int FIRST_PORT = 5801;
    private static final int LAST_PORT = 5899;
    private static int nextPort = FIRST_PORT;

    final String clusterName;
    final List<Integer> ports;
    final List<HazelcastInstance> members = new ArrayList<>();
    private final List<HazelcastInstance> clients = new ArrayList<>();

    private TestCluster(String clusterName, List<Integer> ports) {
        this.clusterName = clusterName;
        this.ports = ports;
    }

    /**
     * Starts {@code size} members that form one cluster, and waits until it is formed and its partitions are safe.
     * A port found free can be taken by another process before a member binds it (two builds on one machine); such
     * a start is retried on other ports, up to three times.
     */
    public static TestCluster start(String name, int size) {
        return start(name, size, MEMBER_OPTIONS);
    }

    /** As {@link #start(String, int)}, with members configured by {@code options} (a backing store, say). */
    public static TestCluster start(String name, int size, HazelcastOptions options) {
        for (int attempt = 1; ; attempt++) {
            TestCluster c = new TestCluster(name + "-" + UUID.randomUUID().toString().substring(0, 8), freePorts(size));
            try {
                return c.startMembers(size, options);
            } catch (RuntimeException e) {
                c.close();
                if (attempt == 3 || !portTaken(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean portTaken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    private TestCluster startMembers(int size, HazelcastOptions options) {
        TestCluster c = this;
        // The first member starts alone; the others then join it in parallel.
        c.members.add(Hazelcast.newHazelcastInstance(memberConfig(c.clusterName, c.ports.get(0), c.ports, options)));
        List<CompletableFuture<HazelcastInstance>> rest = new ArrayList<>();
        for (int i = 1; i < size; i++) {
            int port = c.ports.get(i);
            rest.add(CompletableFuture.supplyAsync(() -> Hazelcast.newHazelcastInstance(memberConfig(c.clusterName, port, c.ports, options))));
        }
        RuntimeException failed = null;
        for (CompletableFuture<HazelcastInstance> f : rest) {
            try {
                c.members.add(f.join());
            } catch (RuntimeException e) {
                failed = failed == null ? e : failed;
            }
        }
        if (failed != null) {
            throw failed;
        }
        awaitTrue(Duration.ofSeconds(30), () -> c.members.stream().allMatch(m -> m.getCluster().getMembers().size() == size
                && m.getPartitionService().isClusterSafe()), "cluster of " + size + " formed and safe");
        return c;
    }

    /** Loopback ports that nobody listens on, from 5801-5899. */
    static synchronized List<Integer> freePorts(int count) {
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
                // Taken by someone else: try the next one.
            }
        }
        return out;
    }

    /** A member config: our recommended settings plus the loopback-only test network. */
    static Config memberConfig(String clusterName, int port, List<Integer> memberPorts) {
        return memberConfig(clusterName, port, memberPorts, MEMBER_OPTIONS);
    }

    /** A member config with {@code options} (whose prefix must match the tests' maps, e.g. {@code apikey*}). */
    static Config memberConfig(String clusterName, int port, List<Integer> memberPorts, HazelcastOptions options) {
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
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "1");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "1");
        config.setProperty("hazelcast.graceful.shutdown.max.wait", "5");
        config.setProperty("hazelcast.health.monitoring.level", "OFF");
        config.getJetConfig().setEnabled(false);
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2);
        for (int p : memberPorts) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + p);
        }
        return ApiKeyHazelcast.configure(config, options);
    }

    /** A client config for this cluster with our recommended client settings. */
    ClientConfig clientConfig(long connectTimeoutMillis) {
        ClientConfig cc = new ClientConfig();
        cc.setClusterName(clusterName);
        cc.setProperty("hazelcast.phone.home.enabled", "false");
        cc.setProperty("hazelcast.logging.type", "jdk");
        for (int p : ports) {
            cc.getNetworkConfig().addAddress("127.0.0.1:" + p);
        }
        cc.getConnectionStrategyConfig().getConnectionRetryConfig()
                .setClusterConnectTimeoutMillis(connectTimeoutMillis)
                .setInitialBackoffMillis(100)
                .setMaxBackoffMillis(500);
        return ApiKeyHazelcast.configureClient(cc, MEMBER_OPTIONS);
    }

    /** Starts a client of this cluster. */
    HazelcastInstance newClient() {
        HazelcastInstance client = HazelcastClient.newHazelcastClient(clientConfig(5_000));
        clients.add(client);
        return client;
    }

    /** Member {@code i}, in start order. */
    public HazelcastInstance member(int i) {
        return members.get(i);
    }

    /** Options with maps of their own (a fresh store), matched by the members' wildcard configuration. */
    public static HazelcastOptions.Builder freshMaps() {
        return HazelcastOptions.custom().mapNamePrefix("apikey-" + UUID.randomUUID().toString().substring(0, 8))
                .clusterSecret(SECRET);
    }

    /** Polls {@code condition} (a cluster event we wait for) until it holds or {@code max} passes. */
    public static void awaitTrue(Duration max, BooleanSupplier condition, String what) {
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
        for (HazelcastInstance c : clients) {
            c.getLifecycleService().terminate();
        }
        for (HazelcastInstance m : members) {
            m.getLifecycleService().terminate();
        }
    }
}
