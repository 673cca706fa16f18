package dev.apikey.store;

import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyException;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.Decision;
import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.KeyStatus;
import dev.apikey.Outcome;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.KeyQuery;
import dev.apikey.store.FileKeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 9, item 5 (file part): the file store on a path it cannot write, or on a full disk, fails with a clear
 * error and leaves the previous file whole. Issue 26, item 9: a hand edit that keeps the file's size, timestamp
 * and versions is still seen, and a last-used write queued before it cannot undo it. The tests run as root, so permissions cannot make a path unwritable:
 * the unwritable path is one whose parent is a regular file, and the full disk is simulated through the store's
 * package-private write hook (this class lives in {@code dev.apikey} to reach it), which fails the write after the
 * temporary file is written and before it replaces the key file, as {@code ENOSPC} on close or fsync would.
 */
class FileStoreFaultsTest {
    @TempDir
    Path dir;

    @Test
    void aKeyFileWhoseParentIsARegularFileFailsWithAnErrorNamingThePath() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("not-a-directory"), "precious");
        Path file = notADirectory.resolve("keys.json");

        assertThatThrownBy(() -> FileKeyStore.builder(file).build())
                .isInstanceOf(ApiKeyException.class)
                .hasMessageContaining(notADirectory.toString());
        assertThat(Files.readString(notADirectory)).isEqualTo("precious");
        System.out.println("[file-store] parent is a regular file -> " + errorOf(() -> FileKeyStore.builder(file).build()));
    }

    @Test
    void aFullDiskFailsTheWriteClearlyAndLeavesThePreviousFileAndServedKeysIntact() throws IOException {
        Path file = dir.resolve("keys.json");
        FileKeyStore first = FileKeyStore.builder(file).build();
        KeyManager firstManager = KeyManager.builder(first).build();
        String kept = firstManager.issue(KeyRequest.builder().owner("before").build()).key().reveal();
        byte[] before = Files.readAllBytes(file);

        AtomicBoolean diskFull = new AtomicBoolean(true);
        FileKeyStore store = FileKeyStore.builder(file).writeHook(tmp -> {
            if (diskFull.get()) {
                throw new IOException("No space left on device");
            }
        }).build();
        KeyManager manager = KeyManager.builder(store).build();

        assertThatThrownBy(() -> manager.issue(KeyRequest.builder().owner("during").build()))
                .isInstanceOf(dev.apikey.spi.StoreUnavailableException.class)
                .hasMessageContaining(file.getFileName().toString())
                .hasMessageContaining("No space left on device")
                .hasMessageContaining("previous content is unchanged");
        String revokeError = errorOf(() -> manager.revoke(store.list(KeyQuery.all()).get(0).id()));
        System.out.println("[file-store] disk full -> " + revokeError.replace(dir.toString(), "<tmp>"));

        assertThat(Files.readAllBytes(file)).as("key file bytes").isEqualTo(before);
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString()).toList())
                    .as("no temporary file is left behind").allMatch(n -> !n.endsWith(".tmp"));
        }
        // The store keeps serving what it had: the old key still verifies, nothing half-written appeared.
        try (ApiKeyVerifier v = ApiKeyVerifier.builder(store).auditSink(AuditSink.NONE).build()) {
            Decision d = v.verify(AccessRequest.builder().remoteAddress("192.0.2.1")
                    .headers(n -> n.equalsIgnoreCase("X-API-Key") ? List.of(kept) : List.of()).build());
            assertThat(d.isAllowed()).isTrue();
        }
        assertThat(store.list(KeyQuery.all())).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(KeyStatus.ACTIVE));
        assertThat(FileKeyStore.builder(file).build().list(KeyQuery.all())).hasSize(1);

        diskFull.set(false);
        manager.issue(KeyRequest.builder().owner("after").build());
        assertThat(FileKeyStore.builder(file).build().list(KeyQuery.all())).hasSize(2);
    }

    @Test
    void aKeyRevokedByHandWithTheTimestampSetBackIsRefusedAndItsQueuedLastUsedWriteKeepsItRevoked() throws IOException {
        Path file = dir.resolve("keys.json");
        FileKeyStore store = FileKeyStore.builder(file).reloadInterval(Duration.ZERO).build();
        KeyManager manager = KeyManager.builder(store).build();
        IssuedKey issued = manager.issue(KeyRequest.builder().owner("hand-edited").build());
        List<Runnable> queued = new ArrayList<>();
        try (ApiKeyVerifier v = ApiKeyVerifier.builder(store).auditSink(AuditSink.NONE).lastUsedExecutor(queued::add).build()) {
            AccessRequest request = AccessRequest.builder().remoteAddress("192.0.2.1")
                    .headers(n -> n.equalsIgnoreCase("X-API-Key") ? List.of(issued.key().reveal()) : List.of()).build();
            // Written an hour ago as far as the file system can tell, and used once: a last-used write is queued.
            FileTime anHourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
            Files.setLastModifiedTime(file, anHourAgo);
            assertThat(v.verify(request).isAllowed()).isTrue();
            assertThat(queued).hasSize(1);

            // The operator revokes it in an editor: same size, same version, and the timestamp put back.
            String before = Files.readString(file);
            String after = before.replace("\"status\" : \"ACTIVE\"", "\"status\" :\"REVOKED\"");
            assertThat(after).hasSameSizeAs(before).isNotEqualTo(before);
            Files.writeString(file, after);
            Files.setLastModifiedTime(file, anHourAgo);

            Decision refused = v.verify(request);
            queued.forEach(Runnable::run);
            Decision stillRefused = v.verify(request);

            System.out.println("[file-store] hand revoke with the timestamp set back -> " + refused.status()
                    + " " + refused.outcome() + "; after the queued last-used write -> " + stillRefused.status());
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.outcome()).isEqualTo(Outcome.REVOKED_KEY);
            assertThat(stillRefused.outcome()).isEqualTo(Outcome.REVOKED_KEY);
            assertThat(FileKeyStore.builder(file).build().findById(issued.record().id()).orElseThrow().status())
                    .isEqualTo(KeyStatus.REVOKED);
        }
    }

    private static String errorOf(Runnable r) {
        try {
            r.run();
            return "no error";
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
