package dev.apikey.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 26, item 2: no Java serialization on the cluster. A Java-serialized object sent to a member (here an
 * entry processor, which Hazelcast must deserialize to run) is refused before its {@code readObject} runs, and
 * so is one that a client configured by {@link ApiKeyHazelcast#configureClient} receives.
 */
class NoJavaSerializationTest {
    /** Set by {@link Gadget#readObject}: where a deserialization gadget chain would start. */
    static volatile boolean gadgetRan;
    private static TestCluster cluster;
    private static HazelcastInstance plainClient;

    /** Serializable, with a {@code readObject} that has an effect, like the first link of a gadget chain. */
    static final class Gadget implements EntryProcessor<String, Object, Object>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object process(Map.Entry<String, Object> entry) {
            return "ran";
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            gadgetRan = true;
        }
    }

    @BeforeAll
    static void start() {
        cluster = TestCluster.start("no-java-serialization", 1);
        ClientConfig cc = new ClientConfig().setClusterName(cluster.member(0).getConfig().getClusterName());
        cc.setProperty("hazelcast.phone.home.enabled", "false");
        cluster.ports.forEach(p -> cc.getNetworkConfig().addAddress("127.0.0.1:" + p));
        plainClient = HazelcastClient.newHazelcastClient(cc);
    }

    @AfterAll
    static void stop() {
        plainClient.getLifecycleService().terminate();
        cluster.close();
    }

    @BeforeEach
    void reset() {
        gadgetRan = false;
    }

    @Test
    void aMemberRefusesAJavaSerializedObject() {
        assertThatThrownBy(() -> plainClient.<String, Object>getMap("any-map").executeOnKey("k", new Gadget())).isNotNull();
        assertThat(gadgetRan).isFalse();
    }

    @Test
    void aConfiguredClientRefusesAJavaSerializedValueFromTheCluster() {
        plainClient.getMap("any-values").put("k", new Gadget());
        gadgetRan = false;
        HazelcastInstance configured = cluster.newClient();
        assertThatThrownBy(() -> configured.getMap("any-values").get("k")).isNotNull();
        assertThat(gadgetRan).isFalse();
    }
}
