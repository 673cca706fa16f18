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
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds keys of our format in files: a regex finds candidates, the CRC32 checksum confirms them, so random
 * look-alikes are reported about once in 57 billion. Files are read as ISO-8859-1, so any byte sequence scans.
 */
final class KeyScanner {
    /** Files larger than this are skipped (logs and dumps of that size are better scanned in parts). */
    static final long MAX_FILE_BYTES = 64L * 1024 * 1024;
    private static final Pattern TAIL = Pattern.compile("_(?:live|test)_[0-9A-Za-z]{38}(?![0-9A-Za-z])");

    /** One confirmed key: where it is and the key itself (for hashing; never printed). */
    record Finding(Path file, int line, ApiKey key) {
    }

    private KeyScanner() {
    }

    static List<Finding> scan(List<Path> roots, List<String> problems) throws IOException {
        List<Finding> out = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.exists(root)) {
                problems.add(root + ": no such file or directory");
                continue;
            }
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && attrs.size() <= MAX_FILE_BYTES) {
                        try {
                            scanFile(file, out);
                        } catch (IOException e) {
                            problems.add(file + ": " + e.getMessage());
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    problems.add(file + ": " + e.getMessage());
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        return out;
    }

    static void scanFile(Path file, List<Finding> out) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                Matcher m = TAIL.matcher(line);
                while (m.find()) {
                    ApiKey k = confirm(line, m.start(), m.end());
                    if (k != null) {
                        out.add(new Finding(file, n, k));
                    }
                }
            }
        }
    }

    /**
     * Tries every prefix of 2-16 chars of {@code [a-z][a-z0-9]*} that ends at {@code underscore}; the checksum
     * decides. Trying them all finds a key glued to other lowercase text ({@code xak_live_...}).
     */
    private static ApiKey confirm(String line, int underscore, int end) {
        for (int start = underscore - 2; start >= Math.max(0, underscore - 16); start--) {
            char c = line.charAt(start);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                break;
            }
            ApiKey k = KeyFormat.parseAnyPrefix(line.substring(start, end));
            if (k != null) {
                return k;
            }
        }
        return null;
    }
}
