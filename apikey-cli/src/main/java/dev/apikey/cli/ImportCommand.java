package dev.apikey.cli;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.spi.DuplicateKeyException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code apikey import FILE}: brings keys another system issued into the store ({@link ImportRows} describes the
 * file). Every row is checked before anything is stored, so a file with a bad row imports nothing unless
 * {@code --skip-errors}. A key already stored (same digest: imported before) is skipped, so a re-run imports only
 * what is missing. Prints one line per row (line number, result, the new id or the reason) and a summary; never a
 * key or digest.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import keys another system issued, from CSV (header row) or JSON lines, by plaintext or SHA-256.")
final class ImportCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The file: .csv, or .jsonl / .ndjson (or say --format).")
    Path file;
    @Option(names = "--format", paramLabel = "FORMAT", description = "csv or jsonl (default: from the file name).")
    String format;
    @Option(names = "--dry-run", description = "Check every row and print what would happen; store nothing.")
    boolean dryRun;
    @Option(names = "--skip-errors", description = "Import the good rows even if some are bad (exit 1 then).")
    boolean skipErrors;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<ImportRows.Row> rows = ImportRows.read(read(), jsonLines());
        long bad = rows.stream().filter(r -> r.error() != null).count();
        rows.stream().filter(r -> r.error() != null)
                .forEach(r -> out.println("line " + r.line() + ": error: " + r.error()));
        if (bad > 0 && !skipErrors) {
            out.println("imported 0 of " + rows.size() + ": " + bad + " bad row(s); fix them or use --skip-errors");
            return ApiKeyCli.ERROR;
        }
        int imported = 0;
        int skipped = 0;
        KeyManager manager = dryRun ? null : store.manager();
        for (ImportRows.Row r : rows) {
            if (r.error() != null) {
                continue;
            }
            if (dryRun) {
                out.println("line " + r.line() + ": would import " + r.key());
                imported++;
                continue;
            }
            try {
                KeyRecord k = manager.importKey(r.key());
                out.println("line " + r.line() + ": imported " + k.id() + (k.legacy() ? " (legacy)" : ""));
                imported++;
            } catch (DuplicateKeyException e) {
                out.println("line " + r.line() + ": skipped: already stored");
                skipped++;
            }
        }
        out.println((dryRun ? "would import " : "imported ") + imported + ", skipped " + skipped + " already stored, "
                + bad + " bad");
        return bad > 0 ? 1 : 0;
    }

    private boolean jsonLines() {
        String f = format != null ? format.toLowerCase(Locale.ROOT)
                : file.getFileName().toString().toLowerCase(Locale.ROOT).replaceAll(".*\\.", "");
        return switch (f) {
            case "csv" -> false;
            case "jsonl", "ndjson" -> true;
            default -> throw new InvalidConfigurationException("cannot tell the format of " + file.getFileName()
                    + "; say --format csv or --format jsonl");
        };
    }

    private String read() {
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigurationException("no such file: " + file);
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getClass().getSimpleName(), e);
        }
    }
}
