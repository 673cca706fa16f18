package dev.apikey.store;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyRequest;
import dev.apikey.KeyStatus;
import dev.apikey.MutableClock;
import dev.apikey.Outcome;
import dev.apikey.internal.RecordJson;
import dev.apikey.spi.DuplicateKeyException;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.KeyStoreContract;
import dev.apikey.spi.StoreUnavailableException;
import dev.apikey.spi.TestRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileKeyStoreTest extends KeyStoreContract {
    @TempDir
    Path dir;

    private final AtomicInteger files = new AtomicInteger();
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-15T10:00:00Z"));

    @Override
    protected KeyStore newStore() {
        return FileKeyStore.builder(dir.resolve("keys-" + files.incrementAndGet() + ".json")).build();
    }

    @Override
    protected KeyStore otherView(KeyStore store) {
        return FileKeyStore.builder(((FileKeyStore) store).path()).build();
    }

    private FileKeyStore storeOnFakeClock(Path file) {
        return FileKeyStore.builder(file).clock(clock).reloadInterval(Duration.ofMillis(250)).build();
    }

    @Test
    void missingFileIsCreatedEmpty() throws IOException {
        Path file = dir.resolve("sub/dir/keys.json");

        FileKeyStore store = FileKeyStore.builder(file).build();

        assertThat(file).exists();
        assertThat(RecordJson.readDocument(Files.readAllBytes(file))).isEmpty();
        assertThat(store.list(KeyQuery.all())).isEmpty();
        assertThat(store.lastLoadError()).isEmpty();
    }

    @Test
    void existingFileIsLoadedAtStart() throws IOException {
        Path file = dir.resolve("keys.json");
        KeyRecord r = TestRecords.full();
        Files.write(file, RecordJson.writeDocument(List.of(r)));

        FileKeyStore store = FileKeyStore.builder(file).build();

        assertThat(store.findByDigest(r.digest())).contains(r);
    }

    @Test
    void concurrentWritersInTwoInstancesLoseNoCreate() throws Exception {
        Path file = dir.resolve("keys.json");
        FileKeyStore a = FileKeyStore.builder(file).build();
        FileKeyStore b = FileKeyStore.builder(file).build();
        int threads = 4;
        int perThread = 50;
        List<String> ids = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<String>>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                FileKeyStore view = t % 2 == 0 ? a : b;
                done.add(pool.submit(() -> {
                    start.await();
                    List<String> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        mine.add(view.create(TestRecords.record()).id());
                    }
                    return mine;
                }));
            }
            start.countDown();
            for (Future<List<String>> f : done) {
                ids.addAll(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        List<KeyRecord> onDisk = RecordJson.readDocument(Files.readAllBytes(file));
        assertThat(onDisk).extracting(KeyRecord::id).containsExactlyInAnyOrderElementsOf(ids).hasSize(200);
        assertThat(FileKeyStore.builder(file).build().list(KeyQuery.all())).hasSize(200);
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("keys.json", "keys.json.lock");
        }
    }

    @Test
    void failedWriteLeavesTheOldFileByteIdenticalAndTheStoreServing() throws IOException {
        Path file = dir.resolve("keys.json");
        AtomicBoolean crash = new AtomicBoolean();
        FileKeyStore store = FileKeyStore.builder(file)
                .writeHook(tmp -> {
                    if (crash.get()) {
                        throw new IOException("simulated crash before rename");
                    }
                })
                .build();
        KeyRecord kept = store.create(TestRecords.record());
        byte[] before = Files.readAllBytes(file);
        crash.set(true);

        KeyRecord lost = TestRecords.record();
        assertThatThrownBy(() -> store.create(lost))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining(store.path().toString());
        assertThatThrownBy(() -> store.update(kept.toBuilder().status(KeyStatus.REVOKED).build()))
                .isInstanceOf(StoreUnavailableException.class);

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(store.findById(kept.id())).contains(kept);
        assertThat(store.findById(lost.id())).isEmpty();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }

        crash.set(false);
        assertThat(store.create(lost).version()).isEqualTo(1);
        assertThat(FileKeyStore.builder(file).build().findById(lost.id())).isPresent();
    }

    @Test
    void changeByAnotherInstanceIsVisibleWithinASecond() {
        Path file = dir.resolve("keys.json");
        FileKeyStore server = FileKeyStore.builder(file).build();
        FileKeyStore cli = FileKeyStore.builder(file).build();
        KeyRecord r = TestRecords.record();
        assertThat(server.findById(r.id())).isEmpty();

        long t0 = System.nanoTime();
        KeyRecord created = cli.create(r);
        KeyRecord seen = eventually(() -> server.findById(r.id()).orElse(null), x -> x != null);
        assertThat(seen).isEqualTo(created);

        cli.update(created.toBuilder().status(KeyStatus.REVOKED).build());
        KeyRecord revoked = eventually(() -> server.findByDigest(r.digest()).orElseThrow(),
                x -> x.status() == KeyStatus.REVOKED);
        assertThat(revoked.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void fileRewrittenByHandIsPickedUpOnceTheReloadIntervalHasPassed() throws IOException {
        Path file = dir.resolve("keys.json");
        FileKeyStore store = storeOnFakeClock(file);
        KeyRecord existing = store.create(TestRecords.record());
        KeyRecord added = TestRecords.builder().version(1).build();

        Files.write(file, RecordJson.writeDocument(List.of(existing, added)));
        clock.advance(Duration.ofMillis(100));
        assertThat(store.findById(added.id())).isEmpty();

        clock.advance(Duration.ofMillis(150));
        assertThat(store.findById(added.id())).contains(added);
        assertThat(store.findByDigest(added.digest())).contains(added);
    }

    @Test
    void inPlaceRewriteWithUnchangedSizeAndTimestampIsStillNoticed() throws IOException {
        Path file = dir.resolve("keys.json");
        FileKeyStore store = storeOnFakeClock(file);
        KeyRecord r = store.create(TestRecords.record());
        long size = Files.size(file);
        FileTime modified = Files.getLastModifiedTime(file);
        // "REVOKED" is one char longer than "ACTIVE"; a one char shorter owner keeps the length.
        byte[] revoked = RecordJson.writeDocument(
                List.of(r.toBuilder().status(KeyStatus.REVOKED).owner("team-").build()));
        assertThat((long) revoked.length).isEqualTo(size);

        Files.write(file, revoked);
        Files.setLastModifiedTime(file, modified);
        clock.advance(Duration.ofMillis(250));

        assertThat(store.findById(r.id()).orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
    }

    /**
     * Rewrites {@code file} in place with {@code from} replaced by {@code to}, as an operator's editor would,
     * keeping its length and version, then puts the modification time back to {@code modified}.
     */
    private static void editByHand(Path file, String from, String to, FileTime modified) throws IOException {
        String before = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(before).contains(from);
        String after = before.replace(from, to);
        assertThat(after).hasSameSizeAs(before);
        Files.writeString(file, after, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, modified);
    }

    /** A hand revoke: status ACTIVE to REVOKED, one space of indentation less so the size stays the same. */
    private static void revokeByHand(Path file, FileTime modified) throws IOException {
        editByHand(file, "\"status\" : \"ACTIVE\"", "\"status\" :\"REVOKED\"", modified);
    }

    private static Outcome verify(ApiKeyVerifier verifier, IssuedKey key) {
        String text = key.key().reveal();
        return verifier.verify(AccessRequest.builder().remoteAddress("127.0.0.1")
                .headers(n -> n.equalsIgnoreCase("x-api-key") ? List.of(text) : List.of()).build()).outcome();
    }

    @Test
    void handRevokeKeepingVersionSizeAndTimestampIsRefusedOnceTheReloadIntervalHasPassed() throws IOException {
        Path file = dir.resolve("keys.json");
        FileKeyStore store = storeOnFakeClock(file);
        KeyManager manager = KeyManager.builder(store).clock(clock).build();
        ApiKeyVerifier verifier = ApiKeyVerifier.builder(store).from(manager).auditSink(e -> { })
                .lastUsedExecutor(task -> { }).build();
        IssuedKey key = manager.issue(KeyRequest.builder().owner("app").scopes("billing:read").build());
        // The file was last written long ago, so its metadata alone looks trustworthy.
        FileTime longAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        Files.setLastModifiedTime(file, longAgo);
        clock.advance(Duration.ofMillis(250));
        assertThat(verify(verifier, key)).isEqualTo(Outcome.ALLOWED);
        long size = Files.size(file);
        Object inode = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();

        revokeByHand(file, longAgo);
        assertThat(Files.size(file)).isEqualTo(size);
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(longAgo);
        assertThat(Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey()).isEqualTo(inode);
        clock.advance(Duration.ofMillis(250));

        assertThat(verify(verifier, key)).isEqualTo(Outcome.REVOKED_KEY);
        assertThat(store.findById(key.record().id()).orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
    }

    @Test
    void pendingLastUsedWriteAfterAHandRevokeDoesNotBringTheKeyBack() throws IOException {
        Path file = dir.resolve("keys.json");
        FileKeyStore store = storeOnFakeClock(file);
        KeyManager manager = KeyManager.builder(store).clock(clock).build();
        List<Runnable> pending = new ArrayList<>();
        ApiKeyVerifier verifier = ApiKeyVerifier.builder(store).from(manager).auditSink(e -> { })
                .lastUsedExecutor(pending::add).build();
        IssuedKey key = manager.issue(KeyRequest.builder().owner("app").scopes("billing:read").build());
        assertThat(verify(verifier, key)).isEqualTo(Outcome.ALLOWED);
        assertThat(pending).as("a last-used write is queued").hasSize(1);

        // The operator revokes the key by hand before the queued write runs, within the reload interval.
        revokeByHand(file, Files.getLastModifiedTime(file));
        pending.forEach(Runnable::run);

        KeyRecord onDisk = RecordJson.readDocument(Files.readAllBytes(file)).get(0);
        assertThat(onDisk.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(onDisk.lastUsed()).isEqualTo(clock.instant());
        clock.advance(Duration.ofMillis(250));
        assertThat(verify(verifier, key)).isEqualTo(Outcome.REVOKED_KEY);
        assertThat(FileKeyStore.builder(file).build().findById(key.record().id()).orElseThrow().status())
                .isEqualTo(KeyStatus.REVOKED);
    }

    @Test
    void aCopyReadBeforeAHandEditIsStaleEvenThoughTheEditKeptTheVersion() throws IOException {
        Path file = dir.resolve("keys.json");
        FileKeyStore store = storeOnFakeClock(file);
        KeyRecord copy = store.create(TestRecords.record());

        revokeByHand(file, Files.getLastModifiedTime(file));

        assertThatThrownBy(() -> store.update(copy.toBuilder().labels(Map.of("team", "payments")).build()))
                .isInstanceOf(dev.apikey.spi.VersionConflictException.class);
        assertThat(RecordJson.readDocument(Files.readAllBytes(file)).get(0).status()).isEqualTo(KeyStatus.REVOKED);
        KeyRecord current = store.findById(copy.id()).orElseThrow();
        assertThat(current.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(current.version()).isGreaterThan(copy.version());
        // A change based on what the file holds now goes through and keeps the hand edit.
        KeyRecord labelled = store.update(current.toBuilder().labels(Map.of("team", "payments")).build());
        assertThat(labelled.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(RecordJson.readDocument(Files.readAllBytes(file)).get(0)).isEqualTo(labelled);
    }

    @Test
    void truncatedFileKeepsTheLastGoodContentAndReportsThePath() throws IOException {
        Path file = dir.resolve("keys.json");
        FileKeyStore store = storeOnFakeClock(file);
        KeyRecord r = store.create(TestRecords.record());
        byte[] good = Files.readAllBytes(file);

        Files.write(file, Arrays.copyOf(good, good.length / 2));
        clock.advance(Duration.ofMillis(250));

        assertThat(store.findByDigest(r.digest())).contains(r);
        assertThat(store.lastLoadError()).hasValueSatisfying(e -> assertThat(e)
                .contains(store.path().toString()).contains("not valid JSON"));
        assertThatThrownBy(() -> store.create(TestRecords.record()))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining(store.path().toString());
        assertThat(Files.readAllBytes(file)).hasSize(good.length / 2);

        Files.write(file, good);
        clock.advance(Duration.ofMillis(250));
        assertThat(store.lastLoadError()).isEmpty();
        assertThat(store.create(TestRecords.record()).version()).isEqualTo(1);
    }

    @Test
    void badEntryKeepsTheLastGoodContentAndReportsIndexIdAndField() throws IOException {
        Path file = dir.resolve("keys.json");
        FileKeyStore store = storeOnFakeClock(file);
        KeyRecord r = store.create(TestRecords.record());
        KeyRecord other = TestRecords.builder().version(1).build();

        Files.write(file, documentWithBadStatus(r, other));
        clock.advance(Duration.ofMillis(250));

        assertThat(store.findById(r.id())).contains(r);
        assertThat(store.findById(other.id())).isEmpty();
        assertThat(store.lastLoadError()).hasValueSatisfying(e -> assertThat(e)
                .contains(store.path().toString())
                .contains("entry 1")
                .contains(other.id())
                .contains("'status'")
                .doesNotContain(other.digest().encoded().substring(7)));
    }

    @Test
    void malformedFileAtStartIsAClearErrorNamingPathAndEntry() throws IOException {
        Path file = dir.resolve("keys.json");
        KeyRecord r = TestRecords.builder().version(1).build();
        KeyRecord other = TestRecords.builder().version(1).build();
        Files.write(file, documentWithBadStatus(r, other));
        Path real = file.toRealPath();

        assertThatThrownBy(() -> FileKeyStore.builder(file).build())
                .isInstanceOfSatisfying(FileStoreException.class, e -> assertThat(e.path()).isEqualTo(real))
                .hasMessageContaining(file.getFileName().toString())
                .hasMessageContaining("entry 1")
                .hasMessageContaining(other.id())
                .hasMessageContaining("'status'");
    }

    @Test
    void fileNeverContainsThePlaintextKey() throws IOException {
        Path file = dir.resolve("keys.json");
        KeyManager manager = KeyManager.builder(FileKeyStore.builder(file).build()).build();

        IssuedKey issued = manager.issue(KeyRequest.builder().owner("team-a").scopes("billing:read").build());
        IssuedKey rotated = manager.rotate(issued.record().id(), Duration.ofMinutes(5));

        String content = Files.readString(file, StandardCharsets.UTF_8);
        for (IssuedKey k : List.of(issued, rotated)) {
            String text = k.key().reveal();
            assertThat(content).contains(k.record().id());
            assertThat(content.contains(text)).as("file contains a plaintext key").isFalse();
            assertThat(content.contains(text.substring(8, 30))).as("file contains part of a key").isFalse();
        }
    }

    @Test
    void toStringShowsNoDigest() {
        FileKeyStore store = FileKeyStore.builder(dir.resolve("keys.json")).build();
        KeyRecord r = store.create(TestRecords.record());

        assertThat(store.toString()).contains("1 records").doesNotContain(r.digest().encoded().substring(7));
    }

    @Test
    void duplicateCreatedByAnotherInstanceIsDetectedBeforeItsReloadIsDue() {
        Path file = dir.resolve("keys.json");
        FileKeyStore a = storeOnFakeClock(file);
        FileKeyStore b = storeOnFakeClock(file);
        KeyRecord r = a.create(TestRecords.record());

        assertThatThrownBy(() -> b.create(TestRecords.builder().digest(r.digest()).build()))
                .isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void negativeReloadIntervalIsRejected() {
        assertThatThrownBy(() -> FileKeyStore.builder(dir.resolve("k.json")).reloadInterval(Duration.ofMillis(-1)))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("reloadInterval");
    }

    private static byte[] documentWithBadStatus(KeyRecord good, KeyRecord bad) throws IOException {
        Map<String, Object> badJson = RecordJson.toJson(bad);
        badJson.put("status", "BOGUS");
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", 1);
        doc.put("keys", List.of(RecordJson.toJson(good), badJson));
        return JSON.std.asBytes(doc);
    }
}
