package dev.apikey.hazelcast;

import dev.apikey.AccessRequest;
import dev.apikey.Cidr;
import dev.apikey.Environment;
import dev.apikey.KeyDigest;
import dev.apikey.KeyIds;
import dev.apikey.KeyRecord;
import dev.apikey.Quota;
import dev.apikey.RateLimitPolicy;
import dev.apikey.ScopeSet;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Records and requests for the tests. */
final class Fixtures {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Fixtures() {
    }

    static KeyDigest randomDigest() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return KeyDigest.of("sha256", b);
    }

    /** A minimal unstored record (version 0). */
    static KeyRecord record(String owner) {
        return KeyRecord.builder().id(KeyIds.newId()).digest(randomDigest()).hint("ak_live_…abcd").owner(owner)
                .created(Instant.parse("2025-01-01T00:00:00Z")).build();
    }

    /** A record that sets every field, to check the serializer. */
    static KeyRecord fullRecord(String owner) {
        return KeyRecord.builder().id(KeyIds.newId()).digest(randomDigest()).hint("ak_test_…x9Qz").owner(owner)
                .tenant("tenant-1").environment(Environment.TEST).scopes(ScopeSet.parse("billing:read", "reports:*"))
                .allowedCidrs(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32")))
                .created(Instant.parse("2025-01-01T00:00:00.123456789Z"))
                .notBefore(Instant.parse("2025-01-02T00:00:00Z")).expires(Instant.parse("2030-01-01T00:00:00Z"))
                .rateLimitPolicy(RateLimitPolicy.parse("100/1s burst 20, 10000/1d")).quota(Quota.parse("1000/day per owner"))
                .credits(500L).creditsPer(dev.apikey.Per.TENANT).labels(Map.of("team", "billing", "cost-center", "42"))
                .lastUsed(Instant.parse("2025-03-01T12:00:00Z")).replaces(KeyIds.newId()).replacedBy(KeyIds.newId())
                .legacy(true).build();
    }

    /** A request carrying {@code key} in {@code X-API-Key}. */
    static AccessRequest request(String key) {
        return AccessRequest.builder()
                .headers(name -> name.equalsIgnoreCase("X-API-Key") ? List.of(key) : List.of())
                .remoteAddress("127.0.0.1").method("GET").path("/api/invoices").build();
    }
}
