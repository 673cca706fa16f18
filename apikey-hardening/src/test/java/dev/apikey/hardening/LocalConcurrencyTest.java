package dev.apikey.hardening;

import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.local.LocalRateLimiter;
import dev.apikey.spi.AuditSink;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, item 4 (local): the in-memory store and {@link LocalRateLimiter} under 32 threads. Limits use a
 * one-day period, so nothing refills during the run and "allowed" must equal the burst exactly.
 */
class LocalConcurrencyTest {
    private static final int ROUNDS = Integer.getInteger("hardening.race.rounds", 200);
    private final InMemoryKeyStore store = new InMemoryKeyStore();
    private final KeyManager manager = KeyManager.builder(store).build();

    private ApiKeyVerifier verifier() {
        return ApiKeyVerifier.builder(store).from(manager).rateLimiter(new LocalRateLimiter())
                .auditSink(AuditSink.NONE).clientThrottle(ClientThrottle.disabled()).build();
    }

    @Test
    void thirtyTwoThreadsNeverGetMoreThanTheRateLimitAdmits() throws Exception {
        try (ApiKeyVerifier v = verifier()) {
            for (String policy : new String[] {"100/1d", "1/1d", "1000/1d burst 37"}) {
                String key = manager.issue(KeyRequest.builder().owner("burst").rateLimit(policy).build()).key().reveal();
                int allowed = Races.admitted(t -> v, key, 32, 100);
                int limit = policy.contains("burst") ? 37 : Integer.parseInt(policy.substring(0, policy.indexOf('/')));
                System.out.printf("[concurrency] local %s: 32 threads x 100 attempts, allowed %d (limit %d)%n", policy, allowed, limit);
                assertThat(allowed).isEqualTo(limit);
            }
        }
    }

    @Test
    void aVerificationStartedAfterRevokeReturnedIsNeverAllowed() throws Exception {
        try (ApiKeyVerifier v = verifier()) {
            Races.RaceResult r = Races.revocationRace(v, manager, ROUNDS, 4, 25);
            System.out.printf("[concurrency] local revocation race: %d rounds, %d verifications after revoke returned, "
                    + "%d allowed%n", r.rounds(), r.verificationsAfterReturn(), r.allowedAfterReturn());
            assertThat(r.allowedAfterReturn()).isZero();
        }
    }
}
