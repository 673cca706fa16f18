package dev.apikey.cli;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.apikey.KeyStatus;
import dev.apikey.hazelcast.ApiKeyHazelcast;
import dev.apikey.hazelcast.HazelcastOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI as a Hazelcast client of a real member on 127.0.0.1. */
class ApiKeyCliClusterTest {
    /** A free port, so that two builds on one machine never meet (a fixed one did, once). */
    private static final int PORT = freePort();
    private static final String SECRET = Base64.getEncoder().encodeToString(
            "cli cluster test secret, 32 bytes+".getBytes(StandardCharsets.UTF_8));
    private static final HazelcastOptions OPTIONS = HazelcastOptions.custom().clusterSecretBase64(SECRET).build();
    private static HazelcastInstance member;

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void startMember() {
        Config config = new Config();
        config.setClusterName("cli-test");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.getJetConfig().setEnabled(false);
        config.getNetworkConfig().setPort(PORT).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + PORT);
        member = Hazelcast.newHazelcastInstance(ApiKeyHazelcast.configure(config, OPTIONS));
        StoreOptions.environment = Map.of(HazelcastOptions.CLUSTER_SECRET_ENV, SECRET)::get;
    }

    @AfterAll
    static void stopMember() {
        StoreOptions.environment = System::getenv;
        member.shutdown();
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ApiKeyCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void issueListAndRevokeGoThroughTheCluster() {
        String[] issued = run("issue", "--hazelcast", "127.0.0.1:" + PORT, "--cluster-name", "cli-test",
                "--owner", "cluster-app", "-s", "billing:read");
        assertThat(issued[0]).as(issued[2]).isEqualTo("0");
        Matcher m = Pattern.compile("(?m)^id:\\s+(\\S+)").matcher(issued[1]);
        assertThat(m.find()).isTrue();
        String id = m.group(1);

        ApiKeyHazelcast onMember = ApiKeyHazelcast.from(member, OPTIONS);
        assertThat(onMember.keyStore().findById(id)).isPresent();
        assertThat(run("list", "--hazelcast", "127.0.0.1:" + PORT, "--cluster-name", "cli-test")[1]).contains(id);

        String[] revoked = run("revoke", "--hazelcast", "127.0.0.1:" + PORT, "--cluster-name", "cli-test", id);
        assertThat(revoked[0]).isEqualTo("0");
        assertThat(onMember.keyStore().findById(id).orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
    }

    @Test
    void importAndUpdateGoThroughTheClusterAndTheLegacyKeyVerifiesOnAMember() throws Exception {
        java.nio.file.Path jsonl = java.nio.file.Files.createTempFile("import", ".jsonl");
        java.nio.file.Files.writeString(jsonl, "{\"key\":\"ghp_ClusterImportedToken0001\",\"owner\":\"ci\","
                + "\"scopes\":[\"builds:read\"]}\n");
        String[] imported = run("import", "--hazelcast", "127.0.0.1:" + PORT, "--cluster-name", "cli-test", jsonl.toString());
        assertThat(imported[0]).as(imported[2]).isEqualTo("0");
        Matcher m = Pattern.compile("imported (key_\\S+) \\(legacy\\)").matcher(imported[1]);
        assertThat(m.find()).as(imported[1]).isTrue();
        String id = m.group(1);

        String[] updated = run("update", "--hazelcast", "127.0.0.1:" + PORT, "--cluster-name", "cli-test", id,
                "--label", "team=ci", "--if-version", "1");
        assertThat(updated[0]).as(updated[2]).isEqualTo("0");
        ApiKeyHazelcast onMember = ApiKeyHazelcast.from(member, OPTIONS);
        assertThat(onMember.keyStore().findById(id).orElseThrow().labels()).containsEntry("team", "ci");
        try (dev.apikey.ApiKeyVerifier v = dev.apikey.ApiKeyVerifier.builder(onMember.keyStore()).legacyKeys(true)
                .auditSink(e -> { }).build()) {
            assertThat(v.verify(dev.apikey.AccessRequest.builder().remoteAddress("127.0.0.1")
                    .headers(n -> n.equalsIgnoreCase("x-api-key") ? java.util.List.of("ghp_ClusterImportedToken0001")
                            : java.util.List.of()).build()).isAllowed()).isTrue();
        }
    }

    @Test
    void anUnreachableClusterIsOneClearError() {
        String[] r = run("list", "--hazelcast", "127.0.0.1:5789", "--cluster-name", "nobody");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2].strip()).isEqualTo("apikey: error: cannot reach a cluster 'nobody' at 127.0.0.1:5789");
    }

    @Test
    void withoutTheClusterSecretTheCliRefusesInOneLineNamingTheVariable() {
        Function<String, String> before = StoreOptions.environment;
        StoreOptions.environment = name -> null;
        try {
            String[] r = run("list", "--hazelcast", "127.0.0.1:" + PORT, "--cluster-name", "cli-test");
            assertThat(r[0]).isEqualTo("2");
            assertThat(r[2].strip()).startsWith("apikey: error: --hazelcast needs the environment variable APIKEY_CLUSTER_SECRET")
                    .doesNotContain("\n");
        } finally {
            StoreOptions.environment = before;
        }
    }

    @Test
    void withAnotherSecretTheCliCannotJoinTheCluster() {
        Function<String, String> before = StoreOptions.environment;
        StoreOptions.environment = Map.of(HazelcastOptions.CLUSTER_SECRET_ENV,
                Base64.getEncoder().encodeToString(new byte[32]))::get;
        try {
            String[] r = run("list", "--hazelcast", "127.0.0.1:" + PORT, "--cluster-name", "cli-test");
            assertThat(r[0]).isEqualTo("2");
            assertThat(r[2]).contains("cannot reach a cluster 'cli-test'");
        } finally {
            StoreOptions.environment = before;
        }
    }

    @Test
    void storeAndClusterAreExclusive() {
        String[] r = run("list", "--hazelcast", "127.0.0.1:" + PORT, "--store", "file:/tmp/x.json");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("exactly one of --store");
    }
}
