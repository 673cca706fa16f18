package dev.apikey.cli;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyHasher;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code apikey scan}: finds leaked keys; with {@code --revoke} revokes the live ones found. */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Find keys of the apikey format (regex + checksum) in files and directories.",
                "Prints file:line and the key's hint only. Exit code 1 when any key is found."})
final class ScanCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or directories to scan.")
    List<Path> paths;

    @Option(names = "--revoke", description = "Revoke every found key that is live in the store (needs --store).")
    boolean revoke;
    @Option(names = "--store", paramLabel = "file:PATH", description = "The key store for --revoke.")
    String store;
    @Option(names = "--hazelcast", paramLabel = "HOST:PORT", description = "The cluster for --revoke.")
    String hazelcast;
    @Option(names = "--cluster-name", defaultValue = StoreOptions.DEFAULT_CLUSTER_NAME,
            description = "Hazelcast cluster name for --revoke (default: ${DEFAULT-VALUE}).")
    String clusterName;
    @Option(names = "--prefix", defaultValue = dev.apikey.KeyFormat.DEFAULT_PREFIX,
            description = "Key prefix of the store's deployment, for --revoke (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Override
    public Integer call() throws IOException {
        if (revoke && store == null && hazelcast == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--revoke needs --store file:PATH or --hazelcast HOST:PORT");
        }
        // A mistyped path must not read as "0 keys found": that is the answer a CI gate would trust.
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new InvalidConfigurationException(p + ": no such file or directory");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> problems = new ArrayList<>();
        List<KeyScanner.Finding> found = KeyScanner.scan(paths, problems);
        for (String p : problems) {
            err.println("apikey: warning: " + p);
        }
        for (KeyScanner.Finding f : found) {
            out.println(f.file() + ":" + f.line() + ": " + f.key().hint());
        }
        if (revoke) {
            KeyManager manager = StoreOptions.manager(store, hazelcast, clusterName, prefix);
            Set<String> done = new LinkedHashSet<>();
            for (KeyScanner.Finding f : found) {
                KeyRecord r = manager.store().findByDigest(KeyHasher.sha256().digest(f.key())).orElse(null);
                if (r == null || !done.add(r.id())) {
                    continue;
                }
                if (r.status() == KeyStatus.REVOKED) {
                    out.println("already revoked: " + r.id() + " (" + r.hint() + ")");
                } else {
                    manager.revoke(r.id());
                    out.println("revoked: " + r.id() + " (" + r.hint() + ")");
                }
            }
        }
        out.println(found.size() + (found.size() == 1 ? " key found" : " keys found"));
        return found.isEmpty() ? 0 : 1;
    }
}
