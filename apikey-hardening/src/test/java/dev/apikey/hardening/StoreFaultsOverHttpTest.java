package dev.apikey.hardening;

import dev.apikey.KeyRequest;
import dev.apikey.hardening.TwoApps.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, item 5 (store part): a store that throws or hangs is answered 503 with Retry-After on both adapters,
 * never 200, and a hanging one within the verifier's lookup timeout ({@link TwoApps#LOOKUP_TIMEOUT}) plus HTTP
 * overhead. Bound asserted: 2 s per request, measured on the client.
 */
class StoreFaultsOverHttpTest {
    private static final long BOUND_MILLIS = 2_000;
    private static TwoApps apps;
    private static String key;

    @BeforeAll
    static void start() throws Exception {
        apps = new TwoApps();
        key = apps.issue(KeyRequest.builder().owner("faults").scopes("billing:read"));
    }

    @AfterAll
    static void stop() throws Exception {
        apps.close();
    }

    @AfterEach
    void heal() {
        apps.faults.release();
    }

    private static RawHttp.Response call(Adapter a) {
        return RawHttp.once(apps.port(a), RawHttp.request("GET", "/down/billing/invoices", "X-API-Key", key));
    }

    @Test
    void aHealthyStoreBehindTheFaultSwitchAllowsTheKey() {
        for (Adapter a : Adapter.values()) {
            assertThat(call(a).status()).as("%s", a).isEqualTo(200);
        }
    }

    @Test
    void aThrowingStoreGets503NeverA200AndTheBodyHidesTheStoreError() {
        apps.faults.mode(FaultyStore.Mode.THROW);
        for (Adapter a : Adapter.values()) {
            for (int i = 0; i < 50; i++) {
                RawHttp.Response r = call(a);
                assertThat(r.status()).as("%s", a).isEqualTo(503);
                assertThat(r.header("Retry-After")).isEqualTo("1");
                assertThat(r.header("Cache-Control")).isEqualTo("no-store");
                assertThat(r.body()).contains("\"status\":503").doesNotContain("db.internal", "hunter2", "Exception");
            }
        }
    }

    @Test
    void aHangingStoreGets503WithinTheBoundOnBothAdaptersEvenUnderConcurrentLoad() throws Exception {
        apps.faults.mode(FaultyStore.Mode.HANG);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Adapter a : Adapter.values()) {
                List<Future<long[]>> calls = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    calls.add(pool.submit(() -> {
                        long start = System.nanoTime();
                        RawHttp.Response r = call(a);
                        return new long[] {r.status(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)};
                    }));
                }
                long worst = 0;
                for (Future<long[]> f : calls) {
                    long[] r = f.get();
                    assertThat(r[0]).as("%s status", a).isEqualTo(503);
                    worst = Math.max(worst, r[1]);
                }
                System.out.printf("[faults] %s: hanging store, 24 concurrent requests, all 503, slowest %d ms "
                        + "(lookup timeout %d ms, bound %d ms)%n", a, worst, TwoApps.LOOKUP_TIMEOUT.toMillis(), BOUND_MILLIS);
                assertThat(worst).isLessThan(BOUND_MILLIS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
