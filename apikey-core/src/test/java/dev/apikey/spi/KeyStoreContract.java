package dev.apikey.spi;

import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link KeyStore} must have. A store module extends this class and implements
 * {@link #newStore()}; a store whose data is shared between instances (a file, a cluster) also overrides
 * {@link #otherView(KeyStore)}, and the suite then checks that checks and changes hold across instances.
 */
public abstract class KeyStoreContract {
    /** How long a change made through one view may take to show in another. */
    protected static final Duration PROPAGATION = Duration.ofSeconds(5);

    /** A new, empty store. Called once or more per test. */
    protected abstract KeyStore newStore();

    /**
     * Another instance over the same data as {@code store} (another process's view of the file, another
     * cluster member). The default returns {@code store} itself, for stores that cannot be shared.
     */
    protected KeyStore otherView(KeyStore store) {
        return store;
    }

    /** Polls {@code read} until {@code done} holds or {@link #PROPAGATION} has passed; returns the last value. */
    protected static <T> T eventually(Supplier<T> read, Predicate<T> done) {
        long deadline = System.nanoTime() + PROPAGATION.toNanos();
        T value = read.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting", e);
            }
            value = read.get();
        }
        return value;
    }

    @Test
    void createdRecordIsFoundByDigestAndById() {
        KeyStore store = newStore();
        KeyRecord stored = store.create(TestRecords.record());

        assertThat(stored.version()).isEqualTo(1);
        assertThat(store.findByDigest(stored.digest())).contains(stored);
        assertThat(store.findById(stored.id())).contains(stored);
    }

    @Test
    void everyFieldSurvivesStorage() {
        KeyStore store = newStore();
        KeyRecord full = TestRecords.full();
        KeyRecord stored = store.create(full);

        assertThat(store.findById(full.id()).orElseThrow()).usingRecursiveComparison()
                .isEqualTo(full.toBuilder().version(1).build());
        assertThat(stored.digest()).isEqualTo(full.digest());
    }

    @Test
    void unknownDigestAndIdAreEmpty() {
        KeyStore store = newStore();
        store.create(TestRecords.record());

        assertThat(store.findByDigest(TestRecords.randomDigest())).isEmpty();
        assertThat(store.findById(TestRecords.record().id())).isEmpty();
    }

    @Test
    void duplicateIdIsRejected() {
        KeyStore store = newStore();
        KeyRecord first = store.create(TestRecords.record());

        KeyRecord sameId = TestRecords.builder().id(first.id()).build();
        assertThatThrownBy(() -> store.create(sameId)).isInstanceOf(DuplicateKeyException.class);
        assertThat(store.findByDigest(sameId.digest())).isEmpty();
        assertThat(store.findById(first.id())).contains(first);
    }

    @Test
    void duplicateDigestIsRejectedAndTheLoserIsNotStored() {
        KeyStore store = newStore();
        KeyRecord first = store.create(TestRecords.record());

        KeyRecord sameDigest = TestRecords.builder().digest(first.digest()).build();
        assertThatThrownBy(() -> store.create(sameDigest)).isInstanceOf(DuplicateKeyException.class);
        assertThat(store.findById(sameDigest.id())).isEmpty();
        assertThat(store.findByDigest(first.digest())).contains(first);
    }

    @Test
    void duplicateIsRejectedThroughAnotherView() {
        KeyStore store = newStore();
        KeyStore other = otherView(store);
        KeyRecord first = store.create(TestRecords.record());

        assertThatThrownBy(() -> other.create(TestRecords.builder().id(first.id()).build()))
                .isInstanceOf(DuplicateKeyException.class);
        assertThatThrownBy(() -> other.create(TestRecords.builder().digest(first.digest()).build()))
                .isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void updateWithCurrentVersionIncrementsItAndIsVisible() {
        KeyStore store = newStore();
        KeyRecord stored = store.create(TestRecords.record());

        KeyRecord updated = store.update(stored.toBuilder().labels(Map.of("team", "payments")).build());

        assertThat(updated.version()).isEqualTo(2);
        assertThat(updated.labels()).containsEntry("team", "payments");
        assertThat(store.findById(stored.id())).contains(updated);
        assertThat(store.findByDigest(stored.digest())).contains(updated);
    }

    @Test
    void staleVersionIsAConflictAndChangesNothing() {
        KeyStore store = newStore();
        KeyRecord stored = store.create(TestRecords.record());
        KeyRecord updated = store.update(stored.toBuilder().owner("team-b").build());

        assertThatThrownBy(() -> store.update(stored.toBuilder().owner("team-c").build()))
                .isInstanceOf(VersionConflictException.class);
        assertThat(store.findById(stored.id())).contains(updated);
    }

    @Test
    void staleVersionFromAnotherViewIsAConflict() {
        KeyStore store = newStore();
        KeyStore other = otherView(store);
        KeyRecord stored = store.create(TestRecords.record());
        store.update(stored.toBuilder().owner("team-b").build());

        assertThatThrownBy(() -> other.update(stored.toBuilder().owner("team-c").build()))
                .isInstanceOf(VersionConflictException.class);
    }

    @Test
    void updateOfAMissingIdIsAConflict() {
        KeyStore store = newStore();
        KeyRecord never = TestRecords.record().toBuilder().version(1).build();

        assertThatThrownBy(() -> store.update(never)).isInstanceOf(VersionConflictException.class);
        assertThat(store.findById(never.id())).isEmpty();
    }

    @Test
    void listsAllAndByOwnerAndByTenant() {
        KeyStore store = newStore();
        KeyRecord a1 = store.create(TestRecords.record("alpha", "t1"));
        KeyRecord a2 = store.create(TestRecords.record("alpha", null));
        KeyRecord b1 = store.create(TestRecords.record("beta", "t1"));
        KeyRecord b2 = store.create(TestRecords.record("beta", "t2"));

        assertThat(store.list(KeyQuery.all())).containsExactlyInAnyOrder(a1, a2, b1, b2);
        assertThat(store.list(KeyQuery.byOwner("alpha"))).containsExactlyInAnyOrder(a1, a2);
        assertThat(store.list(KeyQuery.byTenant("t1"))).containsExactlyInAnyOrder(a1, b1);
        assertThat(store.list(KeyQuery.byOwner("nobody"))).isEmpty();
    }

    @Test
    void listIsInIdOrder() {
        KeyStore store = newStore();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(store.create(TestRecords.record("alpha", null)).id());
        }
        ids.sort(null);

        assertThat(store.list(KeyQuery.all())).extracting(KeyRecord::id).containsExactlyElementsOf(ids);
    }

    @Test
    void pagesWalkEveryMatchOnceInIdOrder() {
        KeyStore store = newStore();
        List<String> alpha = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            alpha.add(store.create(TestRecords.record("alpha", "t" + (i % 2))).id());
            store.create(TestRecords.record("beta", "t1"));
        }
        alpha.sort(null);

        List<String> walked = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        KeyQuery q = KeyQuery.byOwner("alpha").limit(3);
        while (true) {
            List<KeyRecord> page = store.list(q);
            sizes.add(page.size());
            page.forEach(r -> walked.add(r.id()));
            if (page.size() < q.limit()) {
                break;
            }
            q = q.after(page.get(page.size() - 1).id());
        }

        assertThat(walked).containsExactlyElementsOf(alpha);
        assertThat(sizes).containsExactly(3, 3, 1);
    }

    @Test
    void aPageStartsAfterTheCursorEvenWhenNoRecordHasItsId() {
        KeyStore store = newStore();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(store.create(TestRecords.record("alpha", null)).id());
        }
        ids.sort(null);
        String between = ids.get(1) + "!";

        assertThat(store.list(KeyQuery.all().after(ids.get(1)).limit(10))).extracting(KeyRecord::id)
                .containsExactlyElementsOf(ids.subList(2, 4));
        assertThat(store.list(KeyQuery.all().after(between))).extracting(KeyRecord::id)
                .containsExactlyElementsOf(ids.subList(2, 4));
        assertThat(store.list(KeyQuery.all().after(ids.get(3)).limit(10))).isEmpty();
    }

    @Test
    void recordsCreatedWhileWalkingPagesNeverRepeatOrHideTheOthers() {
        KeyStore store = newStore();
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            before.add(store.create(TestRecords.record("alpha", null)).id());
        }
        List<String> walked = new ArrayList<>();
        KeyQuery q = KeyQuery.all().limit(2);
        while (true) {
            List<KeyRecord> page = store.list(q);
            page.forEach(r -> walked.add(r.id()));
            store.create(TestRecords.record("alpha", null));
            if (page.size() < q.limit()) {
                break;
            }
            q = q.after(page.get(page.size() - 1).id());
        }

        assertThat(walked).doesNotHaveDuplicates().containsAll(before).isSorted();
    }

    @Test
    void aPageAboveTheLargestLimitIsRefusedWithTheLimitNamed() {
        KeyStore store = newStore();
        store.create(TestRecords.record());

        assertThatThrownBy(() -> store.list(KeyQuery.all().limit(KeyQuery.MAX_LIMIT + 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(KeyQuery.MAX_LIMIT))
                .hasMessageContaining(String.valueOf(KeyQuery.MAX_LIMIT + 1));
        assertThatThrownBy(() -> KeyQuery.all().limit(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.list(KeyQuery.all().limit(KeyQuery.MAX_LIMIT))).hasSize(1);
    }

    @Test
    void revokedRecordStaysFindableAsATombstone() {
        KeyStore store = newStore();
        KeyRecord stored = store.create(TestRecords.record());

        KeyRecord revoked = store.update(stored.toBuilder().status(KeyStatus.REVOKED).build());

        assertThat(store.findByDigest(stored.digest())).contains(revoked);
        assertThat(store.findById(stored.id()).orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(store.list(KeyQuery.all())).contains(revoked);
    }

    @Test
    void recordUseSetsALaterLastUsedAndKeepsTheVersionAndEveryOtherField() {
        KeyStore store = newStore();
        KeyRecord stored = store.create(TestRecords.full());
        Instant later = stored.lastUsed().plusSeconds(3600);

        store.recordUse(stored.id(), later);

        KeyRecord after = store.findById(stored.id()).orElseThrow();
        assertThat(after).usingRecursiveComparison().isEqualTo(stored.toBuilder().lastUsed(later).build());
        assertThat(store.findByDigest(stored.digest())).contains(after);
        // The version did not move: a change based on the copy read before still applies.
        assertThat(store.update(stored.toBuilder().owner("team-b").build()).version()).isEqualTo(2);
    }

    @Test
    void recordUseNeverMovesLastUsedBack() {
        KeyStore store = newStore();
        KeyRecord stored = store.create(TestRecords.record());
        Instant first = TestRecords.CREATED.plusSeconds(7200);

        store.recordUse(stored.id(), first);
        store.recordUse(stored.id(), first.minusSeconds(60));

        KeyRecord after = store.findById(stored.id()).orElseThrow();
        assertThat(after.lastUsed()).isEqualTo(first);
        assertThat(after.version()).isEqualTo(1);
    }

    @Test
    void recordUseOfAnUnknownIdIsIgnored() {
        KeyStore store = newStore();
        KeyRecord stored = store.create(TestRecords.record());
        KeyRecord never = TestRecords.record();

        store.recordUse(never.id(), TestRecords.CREATED.plusSeconds(60));

        assertThat(store.findById(never.id())).isEmpty();
        assertThat(store.findByDigest(never.digest())).isEmpty();
        assertThat(store.list(KeyQuery.all())).containsExactly(stored);
    }

    @Test
    void recordUseNeverBringsARevokedRecordBack() {
        KeyStore store = newStore();
        KeyRecord stored = store.create(TestRecords.record());
        KeyRecord revoked = store.update(stored.toBuilder().status(KeyStatus.REVOKED).build());
        Instant at = TestRecords.CREATED.plusSeconds(60);

        store.recordUse(stored.id(), at);

        KeyRecord after = store.findByDigest(stored.digest()).orElseThrow();
        assertThat(after.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(after).isEqualTo(revoked.toBuilder().lastUsed(at).build());
    }

    @Test
    void recordUseThroughAViewThatReadTheRecordBeforeARevocationKeepsItRevoked() {
        KeyStore store = newStore();
        KeyStore other = otherView(store);
        KeyRecord stored = store.create(TestRecords.record());
        KeyRecord seen = eventually(() -> other.findById(stored.id()).orElse(null), r -> r != null);
        assertThat(seen.status()).isEqualTo(KeyStatus.ACTIVE);
        KeyRecord revoked = store.update(stored.toBuilder().status(KeyStatus.REVOKED).build());
        Instant at = TestRecords.CREATED.plusSeconds(60);

        other.recordUse(stored.id(), at);

        KeyRecord after = eventually(() -> store.findById(stored.id()).orElseThrow(), r -> at.equals(r.lastUsed()));
        assertThat(after).isEqualTo(revoked.toBuilder().lastUsed(at).build());
        assertThat(eventually(() -> other.findByDigest(stored.digest()).orElseThrow(), r -> at.equals(r.lastUsed())))
                .isEqualTo(after);
    }

    @Test
    void concurrentReadModifyWritesLoseNoIncrement() throws Exception {
        KeyStore store = newStore();
        KeyStore other = otherView(store);
        KeyRecord stored = store.create(TestRecords.record());
        int threads = 8;
        int perThread = 25;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                KeyStore view = t % 2 == 0 ? store : other;
                String mine = "t" + t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        incrementWithRetry(view, stored.id(), mine);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        KeyRecord result = eventually(() -> store.findById(stored.id()).orElseThrow(),
                r -> r.version() == 1 + threads * perThread);
        assertThat(result.labels()).containsEntry("counter", String.valueOf(threads * perThread));
        for (int t = 0; t < threads; t++) {
            assertThat(result.labels()).containsEntry("t" + t, String.valueOf(perThread));
        }
        assertThat(result.version()).isEqualTo(1 + threads * perThread);
    }

    private static void incrementWithRetry(KeyStore store, String id, String mine) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            // Another view may not have seen the record's creation yet; that is lag, not loss.
            KeyRecord current = store.findById(id).orElse(null);
            if (current == null) {
                Thread.sleep(5);
                continue;
            }
            Map<String, String> labels = new HashMap<>(current.labels());
            labels.merge("counter", "1", (a, b) -> String.valueOf(Long.parseLong(a) + 1));
            labels.merge(mine, "1", (a, b) -> String.valueOf(Long.parseLong(a) + 1));
            try {
                store.update(current.toBuilder().labels(labels).build());
                return;
            } catch (VersionConflictException e) {
                Thread.onSpinWait();
            }
        }
        throw new AssertionError("no update of " + id + " succeeded within 60 s");
    }
}
