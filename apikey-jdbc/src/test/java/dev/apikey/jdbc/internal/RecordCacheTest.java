package dev.apikey.jdbc.internal;

import dev.apikey.KeyDigest;
import dev.apikey.KeyRecord;
import dev.apikey.spi.TestRecords;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The cache alone, on a fake ticker: its TTL, its bound, and reads that race with changes. */
class RecordCacheTest {
    private static final long TTL = Duration.ofSeconds(5).toNanos();
    private final AtomicLong now = new AtomicLong(1_000);
    private RecordCache cache;

    @BeforeEach
    void listening() {
        cache = new RecordCache(TTL, 100, now::get);
        cache.accepting(true);
    }

    private void read(KeyRecord r) {
        cache.put(r.digest(), r, cache.generation(), cache.now());
    }

    @Test
    void aRecordIsServedUntilItsTtlFromTheReadThenAskedAgain() {
        KeyRecord r = TestRecords.record();
        long readAt = cache.now();
        long gen = cache.generation();
        now.addAndGet(1_000_000);
        cache.put(r.digest(), r, gen, readAt);

        now.set(readAt + TTL - 1);
        assertThat(cache.get(r.digest())).contains(r);
        now.set(readAt + TTL);
        assertThat(cache.get(r.digest())).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void aReadThatBeganBeforeAChangeIsNotKept() {
        KeyRecord r = TestRecords.record();
        long gen = cache.generation();
        cache.evict("key_someOtherOrThisOne");
        cache.put(r.digest(), r, gen, cache.now());

        assertThat(cache.get(r.digest())).isNull();
    }

    @Test
    void anEvictionByIdDropsTheRecordCachedUnderItsDigest() {
        KeyRecord r = TestRecords.record();
        KeyRecord other = TestRecords.record();
        read(r);
        read(other);

        cache.evict(r.id());

        assertThat(cache.get(r.digest())).isNull();
        assertThat(cache.get(other.digest())).contains(other);
    }

    @Test
    void nothingIsKeptWhileNotAccepting() {
        cache.accepting(false);
        KeyRecord r = TestRecords.record();
        read(r);

        assertThat(cache.get(r.digest())).isNull();
    }

    @Test
    void theCacheNeverHoldsMoreThanItsBound() {
        for (int i = 0; i < 1_000; i++) {
            read(TestRecords.record());
            assertThat(cache.size()).isLessThanOrEqualTo(100);
        }
        KeyRecord last = TestRecords.record();
        read(last);
        assertThat(cache.get(last.digest())).contains(last);
    }

    @Test
    void aFlushDropsEverythingAndEveryReadInFlight() {
        KeyRecord kept = TestRecords.record();
        read(kept);
        KeyDigest late = TestRecords.randomDigest();
        long gen = cache.generation();

        cache.flush();
        cache.put(late, TestRecords.builder().digest(late).build(), gen, cache.now());

        assertThat(cache.size()).isZero();
        assertThat(cache.get(kept.digest())).isNull();
    }
}
