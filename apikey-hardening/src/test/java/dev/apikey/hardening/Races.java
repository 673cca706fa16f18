package dev.apikey.hardening;

import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.Decision;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.IssuedKey;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** Concurrency drills shared by the local and the cluster tests. */
final class Races {
    private Races() {
    }

    static AccessRequest request(String key) {
        List<String> value = List.of(key);
        return AccessRequest.builder().remoteAddress("192.0.2.20")
                .headers(n -> n.equalsIgnoreCase("X-API-Key") ? value : List.of()).build();
    }

    /**
     * {@code threads} threads released at once each try {@code attempts} verifications of {@code key}, thread i on
     * {@code verifiers.apply(i)}; returns how many were allowed.
     */
    static int admitted(IntFunction<ApiKeyVerifier> verifiers, String key, int threads, int attempts) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger allowed = new AtomicInteger();
        List<Future<?>> all = new ArrayList<>();
        AccessRequest request = request(key);
        for (int t = 0; t < threads; t++) {
            ApiKeyVerifier v = verifiers.apply(t);
            all.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < attempts; i++) {
                    if (v.verify(request).isAllowed()) {
                        allowed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : all) {
            f.get();
        }
        pool.shutdown();
        return allowed.get();
    }

    /** What a revocation race found. */
    record RaceResult(int rounds, long verificationsAfterReturn, int allowedAfterReturn) {
    }

    /**
     * Rounds of: issue a key; {@code verifierThreads} threads verify it in a loop; once each has seen it allowed,
     * this thread revokes it and then sets "returned". A verification that started after "returned" was set and
     * was allowed is a violation. Each round ends when every verifier made {@code after} verifications after it.
     */
    static RaceResult revocationRace(ApiKeyVerifier verifier, KeyManager manager, int rounds, int verifierThreads,
                                     int after) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(verifierThreads);
        AtomicInteger violations = new AtomicInteger();
        long checked = 0;
        try {
            for (int round = 0; round < rounds; round++) {
                IssuedKey k = manager.issue(KeyRequest.builder().owner("race").build());
                AccessRequest request = request(k.key().reveal());
                AtomicBoolean returned = new AtomicBoolean();
                CountDownLatch warmedUp = new CountDownLatch(verifierThreads);
                AtomicInteger afterCount = new AtomicInteger();
                List<Future<?>> verifiers = new ArrayList<>();
                for (int t = 0; t < verifierThreads; t++) {
                    verifiers.add(pool.submit(() -> {
                        boolean seenAllowed = false;
                        int mine = 0;
                        while (mine < after) {
                            boolean startedAfterReturn = returned.get();
                            Decision d = verifier.verify(request);
                            if (startedAfterReturn) {
                                mine++;
                                if (d.isAllowed()) {
                                    violations.incrementAndGet();
                                }
                            } else if (d.isAllowed() && !seenAllowed) {
                                seenAllowed = true;
                                warmedUp.countDown();
                            }
                        }
                        afterCount.addAndGet(mine);
                        if (!seenAllowed) {
                            warmedUp.countDown();
                        }
                        return null;
                    }));
                }
                warmedUp.await();
                manager.revoke(k.record().id());
                returned.set(true);
                for (Future<?> f : verifiers) {
                    f.get();
                }
                checked += afterCount.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new RaceResult(rounds, checked, violations.get());
    }
}
