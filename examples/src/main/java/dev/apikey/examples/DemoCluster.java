package dev.apikey.examples;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.hazelcast.ApiKeyHazelcast;
import dev.apikey.hazelcast.HazelcastOptions;

import java.util.function.Function;

/**
 * The demo's {@code --cluster} mode: an embedded Hazelcast member on 127.0.0.1 only, joining the others on the
 * cluster ports, keyed by the deployment's cluster secret from {@value HazelcastOptions#CLUSTER_SECRET_ENV}.
 */
final class DemoCluster {
    /** The cluster name the demo's members use (the secret adds a suffix; the CLI's default too). */
    static final String CLUSTER_NAME = "apikey-demo";

    private DemoCluster() {
    }

    /**
     * The options of the demo's maps with the cluster secret read from {@code env}.
     *
     * @throws InvalidConfigurationException naming the variable (never its value) if it is missing or invalid
     */
    static HazelcastOptions options(Function<String, String> env) {
        String secret = env.apply(HazelcastOptions.CLUSTER_SECRET_ENV);
        if (secret == null || secret.isBlank()) {
            throw new InvalidConfigurationException("--cluster needs the environment variable "
                    + HazelcastOptions.CLUSTER_SECRET_ENV + ": the base64 of at least " + HazelcastOptions.MIN_SECRET_BYTES
                    + " random bytes, the same on every member and for the CLI (e.g. openssl rand -base64 32)");
        }
        return HazelcastOptions.custom().clusterSecretBase64(secret).build();
    }

    /** A member bound to 127.0.0.1 that joins the members on {@code ports} (e.g. {@code 5701-5710}). */
    static Config memberConfig(String ports, HazelcastOptions options) {
        String[] range = ports.split("-");
        int first;
        int last;
        try {
            first = Integer.parseInt(range[0].strip());
            last = range.length > 1 ? Integer.parseInt(range[1].strip()) : first;
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException("--cluster-ports must look like 5701-5710, got '" + ports + "'");
        }
        if (range.length > 2 || first < 1 || last > 65535 || last < first || last - first > 100) {
            throw new InvalidConfigurationException("--cluster-ports must look like 5701-5710, got '" + ports + "'");
        }
        Config config = new Config();
        config.setClusterName(CLUSTER_NAME);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.getNetworkConfig().setPort(first).setPortAutoIncrement(true).setPortCount(last - first + 1);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (int p = first; p <= last; p++) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + p);
        }
        config.getJetConfig().setEnabled(false);
        // Binds to 127.0.0.1 only (hazelcast.socket.bind.any=false), MACs records, guards the maps.
        return ApiKeyHazelcast.configure(config, options);
    }
}
