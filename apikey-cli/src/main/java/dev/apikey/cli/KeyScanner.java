package dev.apikey.cli;

import dev.apikey.ApiKey;
import dev.apikey.KeyFormat;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds keys of our format in files: a regex finds candidates, the CRC32 checksum confirms them, so random
 * look-alikes are reported about once in 57 billion. Text is read as ISO-8859-1, so any byte sequence scans and a
 * column is a byte offset.
 */
final class KeyScanner {
    /** Files (and git blobs) larger than this are skipped by default and counted. */
    static final long MAX_FILE_BYTES = 64L * 1024 * 1024;
    private static final Pattern TAIL = Pattern.compile("_(?:live|test)_[0-9A-Za-z]{38}(?![0-9A-Za-z])");

    private KeyScanner() {
    }

    /** Scans a file, or every regular file under a directory; {@code uri}s are relative to {@code root}. */
    static void scanTree(Path root, ScanResult into) throws IOException {
        boolean dir = Files.isDirectory(root);
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!attrs.isRegularFile()) {
                    return FileVisitResult.CONTINUE;
                }
                if (attrs.size() > into.maxBytes) {
                    into.skippedLarge++;
                    return FileVisitResult.CONTINUE;
                }
                String uri = (dir ? root.relativize(file) : file.getFileName()).toString().replace('\\', '/');
                try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
                    scanText(r, file.toString(), uri, null, into);
                } catch (IOException e) {
                    into.errors.add(file + ": cannot read (" + e.getClass().getSimpleName() + ")");
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                into.errors.add(file + ": cannot read (" + e.getClass().getSimpleName() + ")");
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Scans text line by line and adds a finding for every confirmed key. */
    static void scanText(BufferedReader r, String file, String uri, String commit, ScanResult into) throws IOException {
        String line;
        int n = 0;
        while ((line = r.readLine()) != null) {
            n++;
            Matcher m = TAIL.matcher(line);
            while (m.find()) {
                int start = confirm(line, m.start(), m.end());
                if (start >= 0) {
                    ApiKey k = KeyFormat.parseAnyPrefix(line.substring(start, m.end()));
                    into.findings.add(new ScanResult.Finding(file, uri, commit, n, start + 1, k));
                }
            }
        }
    }

    /**
     * Tries every prefix of 2-16 chars of {@code [a-z][a-z0-9]*} that ends at {@code underscore}; the checksum
     * decides. Trying them all finds a key glued to other lowercase text ({@code xak_live_...}).
     *
     * @return where the key starts, or -1 when no prefix gives a valid key
     */
    private static int confirm(String line, int underscore, int end) {
        for (int start = underscore - 2; start >= Math.max(0, underscore - 16); start--) {
            char c = line.charAt(start);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                break;
            }
            if (KeyFormat.parseAnyPrefix(line.substring(start, end)) != null) {
                return start;
            }
        }
        return -1;
    }
}
