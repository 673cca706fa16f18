package dev.apikey.spi;

import dev.apikey.Cidr;
import dev.apikey.Environment;
import dev.apikey.KeyDigest;
import dev.apikey.KeyIds;
import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import dev.apikey.Quota;
import dev.apikey.RateLimitPolicy;
import dev.apikey.ScopeSet;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Valid {@link KeyRecord}s for store tests: every call yields a fresh random id and digest, so records never
 * collide unless a test makes them. Shipped in the test-jar with {@link KeyStoreContract}.
 */
public final class TestRecords {
    /** The creation instant of every test record. */
    public static final Instant CREATED = Instant.parse("2025-01-15T10:00:00Z");

    private static final SecureRandom RNG = new SecureRandom();

    private TestRecords() {
    }

    /** A random SHA-256-shaped digest. */
    public static KeyDigest randomDigest() {
        byte[] b = new byte[32];
        RNG.nextBytes(b);
        return KeyDigest.of("sha256", b);
    }

    /** A builder holding a minimal valid record (owner {@code team-a}, scope {@code billing:read}, version 0). */
    public static KeyRecord.Builder builder() {
        return KeyRecord.builder()
                .id(KeyIds.newId())
                .digest(randomDigest())
                .hint("ak_live_\u2026Ab12")
                .owner("team-a")
                .environment(Environment.LIVE)
                .scopes(ScopeSet.parse("billing:read"))
                .created(CREATED);
    }

    /** A minimal valid record, not yet stored (version 0). */
    public static KeyRecord record() {
        return builder().build();
    }

    /** A minimal valid record of {@code owner} and {@code tenant} (which may be null). */
    public static KeyRecord record(String owner, String tenant) {
        return builder().owner(owner).tenant(tenant).build();
    }

    /** A record with every optional field set, for round-trip tests. */
    public static KeyRecord full() {
        return builder()
                .tenant("acme")
                .environment(Environment.TEST)
                .scopes(ScopeSet.parse("billing:read", "billing:*", "reports:read"))
                .allowedCidrs(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32")))
                .notBefore(CREATED.plusSeconds(60))
                .expires(CREATED.plusSeconds(86_400 * 30L))
                .status(KeyStatus.SUSPENDED)
                .rateLimitPolicy(RateLimitPolicy.parse("100/1s burst 20, 10000/1d per owner"))
                .quota(Quota.parse("5000/month per tenant"))
                .credits(250L)
                .creditsPer(dev.apikey.Per.OWNER)
                .labels(Map.of("team", "payments", "ticket", "OPS-12"))
                .description("Nightly invoice export for the payments team")
                .reviewAfter(LocalDate.of(2025, 7, 1))
                .lastUsed(CREATED.plusSeconds(3600).plusNanos(123_000_000))
                .replaces(KeyIds.newId())
                .replacedBy(KeyIds.newId())
                .lineage(KeyIds.newId())
                .legacy(true)
                .version(7)
                .build();
    }
}
