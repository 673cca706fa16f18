package dev.apikey.cli;

import dev.apikey.ApiKey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** What one {@code apikey scan} found, skipped and could not read; filled by {@link KeyScanner} and {@link GitScanner}. */
final class ScanResult {
    /** Separates this fingerprint from every other hash of a key (the store's digest above all). */
    private static final byte[] FINGERPRINT_DOMAIN = "apikey-scan-finding/v1\0".getBytes(StandardCharsets.US_ASCII);

    /**
     * One confirmed key. {@code file} is the path as printed, {@code uri} the path relative to the scanned root with
     * forward slashes, {@code commit} the commit that added it ({@code null} outside {@code --git}); line and column
     * count from 1. The key is kept for hashing and revocation; no output prints it.
     */
    record Finding(String file, String uri, String commit, int line, int column, ApiKey key) {
        /** The redacted form every output shows: prefix, environment and the last 4 chars ({@code ak_live_…x9Qz}). */
        String redacted() {
            return key.hint();
        }

        /**
         * A stable id for this key at this path, so that code scanning keeps one alert across runs and line moves.
         * SHA-256 over a domain-separation label, the uri and the key, truncated to 128 bits: it differs from the
         * store's digest, and confirming a guess against it needs the whole 190-bit key.
         */
        String fingerprint() {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update(FINGERPRINT_DOMAIN);
                sha.update(uri.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(key.bytes());
                return HexFormat.of().formatHex(sha.digest(), 0, 16);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }
    }

    final List<Finding> findings = new ArrayList<>();
    /** Files or blobs that could not be read: the scan is incomplete, so the exit code is 2. */
    final List<String> errors = new ArrayList<>();
    final long maxBytes;
    int skippedLarge;
    int skippedBinary;

    ScanResult(long maxBytes) {
        this.maxBytes = maxBytes;
    }
}
