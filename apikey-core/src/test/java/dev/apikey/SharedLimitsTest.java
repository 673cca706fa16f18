package dev.apikey;

import dev.apikey.internal.UsageIds;
import dev.apikey.spi.KeyQuery;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Limits and quotas counted per owner or per tenant: one budget for every key of the party, on one node. */
class SharedLimitsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T10:00:00Z"));
    private final InMemoryKeyStore store = new InMemoryKeyStore();
    private final KeyManager manager = KeyManager.builder(store).clock(clock).build();
    private final ApiKeyVerifier verifier = ApiKeyVerifier.builder(store).from(manager)
            .auditSink(e -> { }).lastUsedExecutor(Runnable::run).clientThrottle(ClientThrottle.disabled()).build();

    private String key(String owner, String tenant, Environment env, KeyRequest.Builder limits) {
        return manager.issue(limits.owner(owner).tenant(tenant).environment(env).build()).key().reveal();
    }

    private String key(String owner, String tenant, String policy) {
        return key(owner, tenant, Environment.LIVE, KeyRequest.builder().rateLimit(policy));
    }

    private Decision call(String key) {
        return verifier.verify(AccessRequest.builder().remoteAddress("127.0.0.1")
                .headers(n -> n.equalsIgnoreCase("x-api-key") ? List.of(key) : List.of()).build());
    }

    private int passing(int attempts, String... keys) {
        int ok = 0;
        for (int i = 0; i < attempts; i++) {
            for (String k : keys) {
                ok += call(k).isAllowed() ? 1 : 0;
            }
        }
        return ok;
    }

    @ParameterizedTest
    @ValueSource(strings = {"100/1s per owner", "10/1m burst 2 per tenant", "5/1h per key", "1000/1d"})
    void theTextFormRoundTripsAndSaysWhoseRequestsCount(String text) {
        RateLimit l = RateLimit.parse(text);
        assertThat(RateLimit.parse(l.toString())).isEqualTo(l);
        assertThat(l.toString()).isEqualTo(text.replace(" per key", ""));
        assertThat(Quota.parse("1000/day per owner")).isEqualTo(new Quota(1000, Quota.Period.DAY, Per.OWNER));
        assertThat(Quota.parse("1000/day per owner").toString()).isEqualTo("1000/day per owner");
        assertThat(RateLimit.parse("100/1s per owner").name()).isEqualTo("100-per-1s-owner");
    }

    @Test
    void badSharedLimitsAreRefusedWithTheExpectedForm() {
        for (String bad : List.of("100/1s per team", "100/1s per", "100/1s owner", "per owner 100/1s")) {
            assertThatThrownBy(() -> RateLimit.parse(bad)).isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("per");
        }
        assertThatThrownBy(() -> Quota.parse("10/day per everyone")).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> manager.issue(KeyRequest.builder().owner("o").rateLimit("5/1s per tenant").build()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("tenant");
        assertThatThrownBy(() -> manager.issue(KeyRequest.builder().owner("o").quota("5/day per tenant").build()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("tenant");
        assertThatThrownBy(() -> VerifierConfig.custom().defaultRateLimit(RateLimitPolicy.parse("5/1s per tenant")))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThat(manager.list(KeyQuery.all())).isEmpty();
    }

    @Test
    void keysOfOneOwnerShareTheOwnersLimitAndMoreKeysDoNotMultiplyIt() {
        String[] keys = new String[5];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = key("acme", null, "3/1h per owner");
        }
        String other = key("globex", null, "3/1h per owner");

        assertThat(passing(4, keys)).isEqualTo(3);
        assertThat(passing(4, other)).isEqualTo(3);
        Decision refused = call(keys[4]);
        assertThat(refused.outcome()).isEqualTo(Outcome.RATE_LIMITED);
        assertThat(refused.header("RateLimit")).startsWith("\"3-per-1h-owner\";r=0");
        clock.advance(Duration.ofMinutes(20));
        assertThat(passing(1, keys)).isEqualTo(1);
    }

    @Test
    void aKeysOwnLimitAndItsOwnersLimitBothHold() {
        String a = key("acme", null, "2/1h, 3/1h per owner");
        String b = key("acme", null, "2/1h, 3/1h per owner");

        assertThat(passing(3, a)).isEqualTo(2);
        assertThat(passing(3, b)).isEqualTo(1);
        Decision d = call(b);
        assertThat(d.outcome()).isEqualTo(Outcome.RATE_LIMITED);
        assertThat(d.header("RateLimit-Policy")).isEqualTo("\"2-per-1h\";q=2;w=3600, \"3-per-1h-owner\";q=3;w=3600");
    }

    @Test
    void ownersAreCountedWithinTheirTenantAndEnvironmentAndTenantsShareTheirOwn() {
        String acmeLive = key("ops", "acme", "2/1h per owner");
        String acmeTest = key("ops", "acme", Environment.TEST, KeyRequest.builder().rateLimit("2/1h per owner"));
        String globex = key("ops", "globex", "2/1h per owner");
        String noTenant = key("ops", null, "2/1h per owner");
        assertThat(passing(3, acmeLive, acmeTest, globex, noTenant)).isEqualTo(8);

        String t1 = key("team-1", "initech", "3/1h per tenant");
        String t2 = key("team-2", "initech", "3/1h per tenant");
        assertThat(passing(3, t1, t2)).isEqualTo(3);
    }

    @Test
    void aQuotaPerTenantIsOneBudgetForEveryKeyOfTheTenant() {
        String a = key("team-1", "initech", Environment.LIVE, KeyRequest.builder().quota("4/day per tenant"));
        String b = key("team-2", "initech", Environment.LIVE, KeyRequest.builder().quota("4/day per tenant"));
        String own = key("team-3", "initech", Environment.LIVE, KeyRequest.builder().quota("4/day"));

        assertThat(passing(3, a, b)).isEqualTo(4);
        Decision d = call(a);
        assertThat(d.outcome()).isEqualTo(Outcome.QUOTA_EXCEEDED);
        assertThat(d.body()).contains("tenant's daily quota");
        assertThat(passing(5, own)).isEqualTo(4);
        clock.advance(Duration.ofDays(1));
        assertThat(passing(3, a, b)).isEqualTo(4);
    }

    @Test
    void creditsPerOwnerAreOneLifetimeBalanceThatANewKeyDoesNotRefill() {
        String a = key("acme", null, Environment.LIVE, KeyRequest.builder().credits(3, Per.OWNER));
        assertThat(passing(2, a)).isEqualTo(2);
        String b = key("acme", null, Environment.LIVE, KeyRequest.builder().credits(3, Per.OWNER));
        String own = key("acme", null, Environment.LIVE, KeyRequest.builder().credits(3));

        assertThat(passing(2, b)).isEqualTo(1);
        Decision d = call(a);
        assertThat(d.outcome()).isEqualTo(Outcome.CREDITS_EXHAUSTED);
        assertThat(d.body()).contains("owner's credits");
        assertThat(passing(4, own)).as("a key with credits of its own").isEqualTo(3);
        clock.advance(Duration.ofDays(400));
        assertThat(call(b).outcome()).as("a lifetime balance never resets").isEqualTo(Outcome.CREDITS_EXHAUSTED);
        assertThatThrownBy(() -> manager.issue(KeyRequest.builder().owner("o").credits(3, Per.TENANT).build()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("tenant");
    }

    @Test
    void noChoiceOfNamesMakesTwoPartiesShareABucket() {
        Set<String> buckets = new HashSet<>();
        String[][] parties = {{"a:b", "c"}, {"a", "b:c"}, {"a", null}, {null, "a"}, {"1:a", "b"}, {"-", "x"}, {null, "-:x"}};
        for (String[] p : parties) {
            String owner = p[1] == null ? "o" : p[1];
            KeyRecord r = manager.issue(KeyRequest.builder().owner(owner).tenant(p[0]).build()).record();
            assertThat(buckets.add(UsageIds.bucket(r, Per.OWNER))).as("owner bucket of %s/%s", p[0], owner).isTrue();
            if (p[0] != null) {
                buckets.add(UsageIds.bucket(r, Per.TENANT));
            }
            assertThat(UsageIds.bucket(r, Per.KEY)).startsWith("key_");
        }
        assertThat(buckets).noneMatch(b -> b.startsWith("key_"));
    }
}
