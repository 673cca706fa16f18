package dev.apikey.benchmarks;

import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.spi.AuditSink;
import dev.apikey.store.InMemoryKeyStore;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Retained heap per stored key: used heap after a forced GC, before and after issuing N keys (default
 * 1,000,000) through {@link KeyManager} into an {@link InMemoryKeyStore}. The keys are issued the way an
 * application issues them: 100 owners, each key with one of a few scope sets, no other metadata.
 * Prints one line {@code heapPerKey <bytes> keys=<n>}.
 */
public final class HeapPerKey {
    private HeapPerKey() {
    }

    /** Args: [number of keys]. */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String[][] scopeSets = {{"billing:read"}, {"billing:read", "billing:write"}, {"reports:read"}};
        long before = usedAfterGc();
        InMemoryKeyStore store = new InMemoryKeyStore();
        KeyManager manager = KeyManager.builder(store).auditSink(AuditSink.NONE).build();
        for (int i = 0; i < n; i++) {
            // Owner names are built per request (as they arrive from JSON), not shared literals.
            manager.issue(KeyRequest.builder().owner("owner-" + (i % 100)).scopes(scopeSets[i % scopeSets.length]).build());
        }
        long after = usedAfterGc();
        if (store.size() != n) {
            throw new IllegalStateException("store holds " + store.size() + " keys, expected " + n);
        }
        System.out.printf("heapPerKey %.1f keys=%d%n", (after - before) / (double) n, n);
    }

    private static long usedAfterGc() {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, mx.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
