package dev.apikey.internal.pipeline;

import dev.apikey.AccessRequest;
import dev.apikey.ApiKey;
import dev.apikey.Cidr;
import dev.apikey.Environment;
import dev.apikey.KeyFormat;
import dev.apikey.KeyHasher;
import dev.apikey.KeyRecord;
import dev.apikey.MutableClock;
import dev.apikey.VerifierConfig;
import dev.apikey.internal.ClientAddresses;
import dev.apikey.spi.TestRecords;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the stage tests share: requests, attempts over a fake clock, keys and their records. */
final class Requests {
    static final Instant NOW = Instant.parse("2026-02-01T00:00:00Z");
    static final KeyFormat FORMAT = KeyFormat.ofDefaults();

    private Requests() {
    }

    /** A request from 198.51.100.7 with headers given as name, value pairs (repeat a name for several values). */
    static AccessRequest.Builder request(String... pairs) {
        Map<String, List<String>> h = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            h.computeIfAbsent(pairs[i].toLowerCase(), k -> new ArrayList<>()).add(pairs[i + 1]);
        }
        return AccessRequest.builder().remoteAddress("198.51.100.7").method("GET").path("/x")
                .headers(n -> h.getOrDefault(n.toLowerCase(), List.of()));
    }

    /** An attempt at {@code request} at {@link #NOW}, no proxies trusted. */
    static Attempt attempt(AccessRequest request) {
        return attempt(request, new MutableClock(NOW));
    }

    static Attempt attempt(AccessRequest request, MutableClock clock) {
        return new Attempt(request, clock, new ClientAddresses(List.of(), ClientAddresses.X_FORWARDED_FOR), true);
    }

    /** An attempt whose credential was parsed as {@code key} and looked up as {@code record}. */
    static Attempt found(AccessRequest request, ApiKey key, KeyRecord record) {
        Attempt a = attempt(request);
        a.credential = key.reveal();
        a.key = key;
        a.record = record;
        return a;
    }

    static ApiKey key() {
        return FORMAT.generate(Environment.LIVE);
    }

    /** A minimal record stored under {@code key}'s SHA-256 digest. */
    static KeyRecord.Builder recordOf(ApiKey key) {
        return TestRecords.builder().digest(KeyHasher.sha256().digest(key)).environment(key.environment());
    }

    static Responses responses() {
        return new Responses(VerifierConfig.ofDefaults());
    }

    static List<Cidr> cidrs(String... c) {
        return java.util.Arrays.stream(c).map(Cidr::parse).toList();
    }
}
