package dev.apikey.cli;

import dev.apikey.KeyFormat;
import dev.apikey.KeyHasher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** {@code apikey hash}: the stored digest of a key read from stdin (so the key stays out of shell history). */
@Command(name = "hash", mixinStandardHelpOptions = true,
        description = "Print the digest (sha256:<base64url>) of a key read from standard input.")
final class HashCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--prefix", defaultValue = KeyFormat.DEFAULT_PREFIX, description = "Key prefix (default: ${DEFAULT-VALUE}).")
    String prefix;

    static java.io.InputStream stdin = System.in;

    @Override
    public Integer call() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.US_ASCII));
        String line = in.readLine();
        if (line == null) {
            throw new IllegalArgumentException("no key on standard input");
        }
        KeyFormat format = KeyFormat.withPrefix(prefix);
        spec.commandLine().getOut().println(KeyHasher.sha256().digest(format.parse(line.strip())).encoded());
        return 0;
    }
}
