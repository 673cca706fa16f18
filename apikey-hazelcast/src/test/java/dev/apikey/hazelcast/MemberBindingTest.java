package dev.apikey.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 26, item 2: a member configured with one interface listens on that interface only, even when the
 * application did not also turn Hazelcast's {@code hazelcast.socket.bind.any} off (it is on by default).
 */
class MemberBindingTest {

    @Test
    void aMemberWithAnInterfaceIsNotBoundToTheWildcardAddress() throws IOException {
        int port = TestCluster.freePorts(1).get(0);
        Config config = new Config().setClusterName("binding-" + UUID.randomUUID());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getJetConfig().setEnabled(false);
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).setMembers(List.of("127.0.0.1:" + port));
        HazelcastInstance member = Hazelcast.newHazelcastInstance(ApiKeyHazelcast.configure(config, TestCluster.MEMBER_OPTIONS));
        try {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                assertThat(s.isConnected()).isTrue();
            }
            // Another loopback address of this host: a wildcard-bound member would accept it.
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.2", port), 2_000);
                }
            }).isInstanceOf(ConnectException.class);
        } finally {
            member.getLifecycleService().terminate();
        }
    }
}
