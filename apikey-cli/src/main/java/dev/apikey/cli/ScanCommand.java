package dev.apikey.cli;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyHasher;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code apikey scan}: finds leaked keys in files, git history or staged changes; {@code --revoke} revokes them. */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Find keys of the apikey format (prefix, environment, checksum) in files and directories, in the "
                + "commits of a git repository (--git) or in its staged changes (--staged, for a pre-commit hook).",
                "Every output shows a redacted form of a key (ak_live_\u2026x9Qz), never the key."},
        footer = {"", "Exit codes: 0 no key found; 1 keys found; 2 an error (a path that does not exist, a file that "
                + "cannot be read, a bad option, git failing): a scan that could not finish never reads as clean."})
final class ScanCommand implements Callable<Integer> {
    /** Output formats. */
    enum Format { text, json, sarif }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "Files or directories to scan; with --git or --staged, the repository (default: .).")
    List<Path> paths = List.of();

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json|sarif",
            description = "text (default), json (one document) or sarif (SARIF 2.1.0, for code scanning).")
    Format format;
    @Option(names = "--git", arity = "0..1", fallbackValue = "", paramLabel = "RANGE",
            description = "Scan the blobs of the repository's commits: all refs, or RANGE (e.g. origin/main..HEAD).")
    String git;
    @Option(names = "--staged", description = "Scan the changes staged for the next commit (for a pre-commit hook).")
    boolean staged;
    @Option(names = "--max-bytes", defaultValue = "" + KeyScanner.MAX_FILE_BYTES, paramLabel = "N",
            description = "Skip (and count) files and blobs larger than N bytes (default: ${DEFAULT-VALUE}).")
    long maxBytes;

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
        boolean inGit = git != null || staged;
        if (git != null && !git.isEmpty() && paths.isEmpty() && Files.isDirectory(Path.of(git))) {
            // "--git DIR": picocli hands an optional value the next argument; a directory there is the repository.
            paths = List.of(Path.of(git));
            git = "";
        }
        if (revoke && store == null && hazelcast == null) {
            throw usage("--revoke needs --store file:PATH or --hazelcast HOST:PORT");
        }
        if (git != null && staged) {
            throw usage("--git and --staged cannot be combined");
        }
        if (inGit ? paths.size() > 1 : paths.isEmpty()) {
            throw usage(inGit ? "--git and --staged take one repository" : "Missing required parameter: 'PATH'");
        }
        if (maxBytes < 1) {
            throw usage("--max-bytes must be at least 1, got " + maxBytes);
        }
        List<Path> roots = paths.isEmpty() ? List.of(Path.of(".")) : paths;
        // A mistyped path must not read as "0 keys found": that is the answer a CI gate would trust.
        for (Path p : roots) {
            if (!Files.exists(p)) {
                throw new InvalidConfigurationException(p + ": no such file or directory");
            }
        }
        ScanResult result = new ScanResult(maxBytes);
        if (staged) {
            GitScanner.staged(roots.get(0), result);
        } else if (git != null) {
            GitScanner.history(roots.get(0), git.isEmpty() ? null : git, result);
        } else {
            for (Path root : roots) {
                KeyScanner.scanTree(root, result);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (String e : result.errors) {
            err.println("apikey: error: " + dev.apikey.Text.safe(e, ScanReport.PATH_MAX));
        }
        switch (format) {
            case json -> out.println(ScanReport.json(result));
            case sarif -> out.println(ScanReport.sarif(result));
            default -> ScanReport.text(result, out);
        }
        if (revoke) {
            // Beside a JSON or SARIF document on stdout, what was revoked goes to stderr.
            revokeFound(result, format == Format.text ? out : err);
        }
        out.flush();
        return !result.errors.isEmpty() ? ApiKeyCli.ERROR : result.findings.isEmpty() ? 0 : 1;
    }

    private void revokeFound(ScanResult result, PrintWriter out) {
        KeyManager manager = StoreOptions.manager(store, hazelcast, clusterName, prefix);
        Set<String> done = new LinkedHashSet<>();
        for (ScanResult.Finding f : result.findings) {
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

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
