package dev.apikey.cli;

import dev.apikey.InvalidConfigurationException;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scans what git holds rather than the working tree: the blobs added by the commits of a range (history) or the
 * blobs staged in the index (a pre-commit hook). Runs the {@code git} command: one {@code git log --raw} or
 * {@code git diff --cached --raw} lists the blobs, one {@code git cat-file --batch} reads each distinct blob once.
 */
final class GitScanner {
    /** git's own test for binary content: a NUL byte among the first 8000 bytes. */
    private static final int BINARY_PROBE = 8000;
    /** Settings that keep a scanned repository's configuration from running programs or rewriting output. */
    private static final List<String> SAFE = List.of("-c", "core.fsmonitor=false", "-c", "core.quotepath=false");

    private record Location(String path, String commit) {
    }

    private GitScanner() {
    }

    /**
     * Scans every blob added or changed by the commits of {@code range} ({@code null}: all refs), oldest first; a
     * key is reported once per path, at the oldest commit that has it.
     */
    static void history(Path repo, String range, ScanResult into) throws IOException {
        if (range != null && (range.isBlank() || range.startsWith("-"))) {
            throw new InvalidConfigurationException("--git RANGE must be a revision range such as main..HEAD, got '"
                    + range.strip() + "'");
        }
        List<String> cmd = git(repo, "log", range == null ? "--all" : range, "--reverse", "-m", "--raw", "--no-abbrev",
                "--no-renames", "--no-ext-diff", "--no-textconv", "--format=%x01%H", "-z", "--");
        scan(repo, run(cmd, "git log"), into);
    }

    /** Scans the blobs staged for the next commit (added, copied, modified, renamed or retyped files). */
    static void staged(Path repo, ScanResult into) throws IOException {
        List<String> cmd = git(repo, "diff", "--cached", "--raw", "--no-abbrev", "--no-renames", "--no-ext-diff",
                "--no-textconv", "--diff-filter=ACMRT", "-z", "--");
        scan(repo, run(cmd, "git diff --cached"), into);
    }

    private static void scan(Path repo, Map<String, List<Location>> blobs, ScanResult into) throws IOException {
        Set<String> reported = new HashSet<>();
        Path stderr = Files.createTempFile("apikey-git", ".err");
        Process p = new ProcessBuilder(git(repo, "cat-file", "--batch")).redirectError(stderr.toFile()).start();
        // Asking for every blob up front, from another thread, saves a round trip per blob.
        Thread asker = new Thread(() -> ask(p.getOutputStream(), blobs.keySet()), "apikey-git-cat-file");
        asker.setDaemon(true);
        asker.start();
        try (InputStream in = new BufferedInputStream(p.getInputStream(), 1 << 16)) {
            for (Map.Entry<String, List<Location>> blob : blobs.entrySet()) {
                byte[] content = read(in, blob.getKey(), into);
                if (content == null) {
                    continue;
                }
                for (Location at : blob.getValue()) {
                    ScanResult found = new ScanResult(into.maxBytes);
                    KeyScanner.scanText(new BufferedReader(new InputStreamReader(new ByteArrayInputStream(content),
                            StandardCharsets.ISO_8859_1)), at.path(), at.path(), at.commit(), found);
                    for (ScanResult.Finding f : found.findings) {
                        if (reported.add(f.fingerprint())) {
                            into.findings.add(f);
                        }
                    }
                }
            }
        } finally {
            p.destroy();
            Files.deleteIfExists(stderr);
        }
    }

    private static void ask(OutputStream out, Iterable<String> shas) {
        try (OutputStream o = new java.io.BufferedOutputStream(out, 1 << 16)) {
            for (String sha : shas) {
                o.write((sha + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            // cat-file has exited; the reader sees the stream end and reports it.
        }
    }

    /** Reads one {@code cat-file --batch} answer; {@code null} when the blob is skipped (counted) or missing. */
    private static byte[] read(InputStream in, String sha, ScanResult into) throws IOException {
        String header = token(in, '\n');
        if (header == null) {
            throw new IOException("git cat-file stopped answering");
        }
        String[] parts = header.split(" ");
        if (parts.length != 3 || !"blob".equals(parts[1])) {
            into.errors.add("git blob " + sha + ": " + header);
            return null;
        }
        long size = Long.parseLong(parts[2]);
        byte[] content = null;
        if (size > into.maxBytes) {
            in.skipNBytes(size);
            into.skippedLarge++;
        } else {
            content = in.readNBytes((int) size);
            if (content.length != size) {
                throw new IOException("git cat-file answered " + content.length + " of " + size + " bytes");
            }
        }
        in.skipNBytes(1);
        if (content != null) {
            for (int i = 0; i < Math.min(content.length, BINARY_PROBE); i++) {
                if (content[i] == 0) {
                    into.skippedBinary++;
                    return null;
                }
            }
        }
        return content;
    }

    /**
     * Runs a {@code --raw -z} listing and collects the new blob of every entry with where it first appeared. A
     * {@code \u0001} token starts a commit; a {@code :} token is an entry whose path is the next token.
     */
    private static Map<String, List<Location>> run(List<String> cmd, String what) throws IOException {
        Map<String, List<Location>> blobs = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        Path stderr = Files.createTempFile("apikey-git", ".err");
        try {
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
            } catch (IOException e) {
                throw new InvalidConfigurationException("--git and --staged need the git command on PATH");
            }
            p.getOutputStream().close();
            try (InputStream in = new BufferedInputStream(p.getInputStream())) {
                String commit = null;
                for (String t = token(in, 0); t != null; t = token(in, 0)) {
                    t = t.startsWith("\n") ? t.substring(1) : t;
                    if (t.startsWith("\u0001")) {
                        commit = t.substring(1);
                    } else if (t.startsWith(":")) {
                        String path = token(in, 0);
                        String[] f = t.substring(1).split(" ");
                        // Only files and symlinks: a gitlink (160000) names a commit of another repository.
                        if (path != null && f.length == 5 && (f[1].startsWith("100") || f[1].startsWith("120"))
                                && seen.add(f[3] + "\0" + path)) {
                            blobs.computeIfAbsent(f[3], k -> new ArrayList<>()).add(new Location(path, commit));
                        }
                    }
                }
            }
            int code = p.waitFor();
            if (code != 0) {
                String msg = Files.readAllLines(stderr).stream().filter(l -> !l.isBlank()).findFirst().orElse("");
                throw new InvalidConfigurationException(what + " failed (exit " + code + "): "
                        + dev.apikey.Text.safe(msg.strip(), 200));
            }
            return blobs;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted");
        } finally {
            Files.deleteIfExists(stderr);
        }
    }

    private static List<String> git(Path repo, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", repo.toString()));
        cmd.addAll(SAFE);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The bytes up to {@code end} (not included) as UTF-8; {@code null} at the end of the stream. */
    private static String token(InputStream in, int end) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != end) {
            b.write(c);
        }
        return c == -1 && b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }
}
