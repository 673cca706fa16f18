package dev.apikey.cli;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.apikey.Actor;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyFormat;
import dev.apikey.KeyManager;
import dev.apikey.hazelcast.ApiKeyHazelcast;
import dev.apikey.hazelcast.HazelcastOptions;
import dev.apikey.jdbc.JdbcKeyStore;
import dev.apikey.spi.KeyStore;
import dev.apikey.store.FileKeyStore;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Function;

/**
 * Where the keys live: {@code --store file:PATH}, {@code --store jdbc:postgresql://HOST[:PORT]/DB?user=U} (the
 * password in {@value JdbcUrl#PASSWORD_ENV}, see {@link JdbcUrl}) or {@code --hazelcast HOST:PORT} (a cluster reached as a
 * Hazelcast client, which needs the deployment's cluster secret in {@value HazelcastOptions#CLUSTER_SECRET_ENV}:
 * it seals the records it writes with it). Shared by every management command.
 */
final class StoreOptions {
    /** The cluster name the demo server's members use, and the default here. */
    static final String DEFAULT_CLUSTER_NAME = "apikey-demo";
    /** The actor the CLI's changes are audited as. */
    static final String ACTOR = "cli";

    // Clients opened by a command; ApiKeyCli closes them when the command ends.
    private static final Deque<HazelcastInstance> OPEN = new ArrayDeque<>();
    /** Where the cluster secret is read from: the process environment (in-process tests pass their own). */
    static volatile Function<String, String> environment = System::getenv;
    /** The managers' clock: the system's (in-process tests pass a fixed one, so reviews need no waiting). */
    static volatile Clock clock = Clock.systemUTC();

    @Option(names = "--store", paramLabel = "file:PATH|jdbc:postgresql://HOST[:PORT]/DB?user=U",
            description = "A JSON file store (it must exist unless --create is given), or PostgreSQL (the password in "
                    + JdbcUrl.PASSWORD_ENV + ", never in the URL; --create creates missing tables).")
    String store;

    @Option(names = "--create", description = "Create the --store file, or the tables in the --store database, if missing.")
    boolean create;

    @Option(names = "--hazelcast", paramLabel = "HOST:PORT",
            description = "A cluster member to connect to as a Hazelcast client, e.g. 127.0.0.1:5701.")
    String hazelcast;

    @Option(names = "--cluster-name", defaultValue = DEFAULT_CLUSTER_NAME,
            description = "Hazelcast cluster name (default: ${DEFAULT-VALUE}, the demo server's).")
    String clusterName;

    @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = KeyFormat.DEFAULT_PREFIX,
            description = "Key prefix of this deployment (default: ${DEFAULT-VALUE}).")
    String prefix;

    KeyManager manager() {
        return manager(store, hazelcast, clusterName, prefix, create);
    }

    /** The manager of an existing store, acting as {@value #ACTOR}. */
    static KeyManager manager(String store, String hazelcast, String clusterName, String prefix) {
        return manager(store, hazelcast, clusterName, prefix, false);
    }

    /** The manager of the store, acting as {@value #ACTOR}: what the audit trail names as who made a change. */
    static KeyManager manager(String store, String hazelcast, String clusterName, String prefix, boolean create) {
        KeyFormat format = KeyFormat.withPrefix(prefix);
        return KeyManager.builder(openStore(store, hazelcast, clusterName, create)).format(format).clock(clock).build()
                .actingAs(Actor.named(ACTOR));
    }

    static KeyStore openStore(String store, String hazelcast, String clusterName, boolean create) {
        if ((store == null) == (hazelcast == null)) {
            throw new InvalidConfigurationException("give exactly one of --store file:PATH, --store jdbc:postgresql://..."
                    + " and --hazelcast HOST:PORT");
        }
        if (hazelcast != null) {
            return cluster(hazelcast, clusterName);
        }
        if (JdbcUrl.isJdbc(store)) {
            return JdbcKeyStore.builder(JdbcUrl.dataSource(store, environment)).createSchema(create).build();
        }
        if (store.startsWith("file:") && store.length() > 5) {
            Path file = Path.of(store.substring(5));
            // A typo in the path must not quietly start an empty store.
            if (!create && !Files.exists(file)) {
                throw new InvalidConfigurationException("--store file " + file + " does not exist; pass --create to create it");
            }
            return FileKeyStore.builder(file).build();
        }
        // Not echoed: whatever it is, it may hold a credential.
        throw new InvalidConfigurationException("--store must be file:PATH or jdbc:postgresql://HOST[:PORT]/DB?user=U");
    }

    private static KeyStore cluster(String address, String clusterName) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1 || !address.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            throw new InvalidConfigurationException("--hazelcast must be HOST:PORT, got '" + address + "'");
        }
        HazelcastOptions options = options();
        ClientConfig config = new ClientConfig();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "none");
        config.getNetworkConfig().addAddress(address);
        // A CLI should fail in seconds when nobody answers, not retry forever.
        config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(5_000);
        HazelcastInstance client;
        try {
            client = HazelcastClient.newHazelcastClient(ApiKeyHazelcast.configureClient(config, options));
        } catch (IllegalStateException e) {
            throw new InvalidConfigurationException("cannot reach a cluster '" + clusterName + "' at " + address);
        }
        synchronized (OPEN) {
            OPEN.push(client);
        }
        return ApiKeyHazelcast.from(client, options).keyStore();
    }

    /** The cluster options with the secret from the environment; one line naming the variable if it is missing. */
    private static HazelcastOptions options() {
        String secret = environment.apply(HazelcastOptions.CLUSTER_SECRET_ENV);
        if (secret == null || secret.isBlank()) {
            throw new InvalidConfigurationException("--hazelcast needs the environment variable "
                    + HazelcastOptions.CLUSTER_SECRET_ENV + ": the cluster's secret (base64 of at least "
                    + HazelcastOptions.MIN_SECRET_BYTES + " bytes), the same as the members'");
        }
        return HazelcastOptions.custom().clusterSecretBase64(secret).build();
    }

    /** Shuts down every client a command opened. */
    static void closeAll() {
        synchronized (OPEN) {
            while (!OPEN.isEmpty()) {
                OPEN.pop().shutdown();
            }
        }
    }
}
