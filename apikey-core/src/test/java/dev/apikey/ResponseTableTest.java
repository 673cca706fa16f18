package dev.apikey;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.apikey.spi.RateLimiter;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** One row per line of the DESIGN.md response table: status, every header and the body fields. */
class ResponseTableTest {

    /** A prepared world: store, manager, verifier, and keys in several states. */
    static final class World {
        final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
        final CountingStore store = new CountingStore(new InMemoryKeyStore());
        final KeyManager manager = KeyManager.builder(store).clock(clock).build();
        final ApiKeyVerifier verifier;
        ApiKeyVerifier verifierOverride;
        final RateLimiter failingLimiter = (id, p, now) -> {
            throw new IllegalStateException("limiter down");
        };

        World(boolean limiterFails) {
            VerifierBuilder b = ApiKeyVerifier.builder(store).from(manager).realm("demo")
                    .auditSink(e -> { }).lastUsedExecutor(Runnable::run)
                    .clientThrottle(new ClientThrottle(true, RateLimit.parse("3/1h"), 1000, List.of()));
            if (limiterFails) {
                b.rateLimiter(failingLimiter);
            }
            verifier = b.build();
        }

        String issue(KeyRequest.Builder b) {
            return manager.issue(b.build()).key().reveal();
        }
    }

    record Row(String name, Function<World, AccessRequest> request, int status, String slug,
               Map<String, String> headers, boolean limiterFails) {
        @Override
        public String toString() {
            return name;
        }
    }

    static AccessRequest.Builder req(String client, Map<String, List<String>> headers) {
        Map<String, List<String>> lower = new LinkedHashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(), v));
        return AccessRequest.builder().remoteAddress(client).method("GET").path("/billing")
                .headers(n -> lower.getOrDefault(n.toLowerCase(), List.of()));
    }

    static AccessRequest withKey(String key) {
        return req("192.0.2.10", Map.of("X-API-Key", List.of(key))).requirement(ScopeRequirement.all("billing:read")).build();
    }

    static Stream<Row> rows() {
        String realm = "ApiKey realm=\"demo\"";
        String invalid = realm + ", error=\"invalid_key\"";
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("no credential", w -> req("192.0.2.10", Map.of()).build(), 401, "missing-key",
                Map.of("WWW-Authenticate", realm), false));
        rows.add(new Row("malformed", w -> withKey("ak_live_notakey"), 401, "invalid-key",
                Map.of("WWW-Authenticate", invalid), false));
        rows.add(new Row("unknown", w -> withKey(KeyFormat.ofDefaults().generate(Environment.LIVE).reveal()), 401,
                "invalid-key", Map.of("WWW-Authenticate", invalid), false));
        rows.add(new Row("revoked", w -> {
            String k = w.issue(KeyRequest.builder().owner("o").scopes("billing:read"));
            w.manager.list(dev.apikey.spi.KeyQuery.all()).forEach(r -> w.manager.revoke(r.id()));
            return withKey(k);
        }, 401, "invalid-key", Map.of("WWW-Authenticate", invalid), false));
        rows.add(new Row("suspended", w -> {
            String k = w.issue(KeyRequest.builder().owner("o").scopes("billing:read"));
            w.manager.list(dev.apikey.spi.KeyQuery.all()).forEach(r -> w.manager.suspend(r.id()));
            return withKey(k);
        }, 401, "invalid-key", Map.of("WWW-Authenticate", invalid), false));
        rows.add(new Row("expired", w -> {
            String k = w.issue(KeyRequest.builder().owner("o").scopes("billing:read").expiresIn(Duration.ofMinutes(1)));
            w.clock.advance(Duration.ofMinutes(1));
            return withKey(k);
        }, 401, "invalid-key", Map.of("WWW-Authenticate", invalid), false));
        rows.add(new Row("wrong environment", w -> {
            String k = w.issue(KeyRequest.builder().owner("o").scopes("billing:read").environment(Environment.TEST));
            ApiKeyVerifier liveOnly = ApiKeyVerifier.builder(w.store).from(w.manager).realm("demo")
                    .environments(Environment.LIVE).auditSink(e -> { }).build();
            w.verifierOverride = liveOnly;
            return withKey(k);
        }, 401, "invalid-key", Map.of("WWW-Authenticate", invalid), false));
        rows.add(new Row("two different credentials", w -> {
            String a = w.issue(KeyRequest.builder().owner("o").scopes("billing:read"));
            String b = w.issue(KeyRequest.builder().owner("o").scopes("billing:read"));
            return req("192.0.2.10", Map.of("X-API-Key", List.of(a), "Authorization", List.of("Bearer " + b))).build();
        }, 400, "invalid-request", Map.of(), false));
        rows.add(new Row("credential with control characters", w -> req("192.0.2.10",
                Map.of("X-API-Key", List.of("ak_live_abc\r\nSet-Cookie: x=1"))).build(), 400, "invalid-request", Map.of(), false));
        rows.add(new Row("scope missing", w -> withKey(w.issue(KeyRequest.builder().owner("o").scopes("reports:read"))),
                403, "insufficient-scope",
                Map.of("WWW-Authenticate", realm + ", error=\"insufficient_scope\", scope=\"billing:read\""), false));
        rows.add(new Row("client IP not allowed", w -> withKey(w.issue(KeyRequest.builder().owner("o")
                .scopes("billing:read").allowedCidrs("10.0.0.0/8"))), 403, "forbidden", Map.of(), false));
        rows.add(new Row("rate limit exhausted", w -> {
            String k = w.issue(KeyRequest.builder().owner("o").scopes("billing:read").rateLimit("2/1m"));
            w.verifier.verify(withKey(k));
            w.verifier.verify(withKey(k));
            return withKey(k);
        }, 429, "rate-limited", Map.of("Retry-After", "30", "RateLimit-Policy", "\"2-per-1m\";q=2;w=60",
                "RateLimit", "\"2-per-1m\";r=0;t=60"), false));
        rows.add(new Row("quota exhausted", w -> {
            String k = w.issue(KeyRequest.builder().owner("o").scopes("billing:read").quota("1/day"));
            w.verifier.verify(withKey(k));
            return withKey(k);
        }, 429, "quota-exceeded", Map.of("Retry-After", String.valueOf(14 * 3600)), false));
        rows.add(new Row("too many failed attempts", w -> {
            for (int i = 0; i < 3; i++) {
                w.verifier.verify(withKey(KeyFormat.ofDefaults().generate(Environment.LIVE).reveal()));
            }
            // A failing attempt past the allowance (a valid key would pass: FailureThrottleBehaviourTest).
            return withKey(KeyFormat.ofDefaults().generate(Environment.LIVE).reveal());
        }, 429, "too-many-failures", Map.of("Retry-After", "1200"), false));
        rows.add(new Row("store unreachable", w -> {
            String k = w.issue(KeyRequest.builder().owner("o").scopes("billing:read"));
            w.store.failing = true;
            return withKey(k);
        }, 503, "unavailable", Map.of("Retry-After", "1"), false));
        rows.add(new Row("rate limiter unreachable, fail closed", w -> withKey(w.issue(KeyRequest.builder()
                .owner("o").scopes("billing:read").rateLimit("5/1s"))), 503, "unavailable", Map.of("Retry-After", "1"), true));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    @SuppressWarnings("unchecked")
    void everyLineOfTheTableIsAnsweredAsDesigned(Row row) throws Exception {
        World w = new World(row.limiterFails());
        AccessRequest request = row.request().apply(w);
        ApiKeyVerifier v = w.verifierOverride != null ? w.verifierOverride : w.verifier;
        Decision d = v.verify(request);

        assertThat(d.isAllowed()).isFalse();
        assertThat(d.status()).isEqualTo(row.status());
        assertThat(d.header("Cache-Control")).isEqualTo("no-store");
        row.headers().forEach((name, value) -> assertThat(d.header(name)).as(name).isEqualTo(value));
        if (!row.headers().containsKey("WWW-Authenticate")) {
            assertThat(d.header("WWW-Authenticate")).isNull();
        }
        if (row.status() == 429 || row.status() == 503) {
            assertThat(Long.parseLong(d.header("Retry-After"))).isGreaterThanOrEqualTo(1);
        }
        Map<String, Object> body = JSON.std.mapFrom(d.body());
        assertThat(body.keySet()).containsExactly("type", "title", "status", "detail");
        assertThat((String) body.get("type")).endsWith("/" + row.slug());
        assertThat(body.get("status")).isEqualTo(row.status());
        assertThat((String) body.get("title")).isNotBlank();
        assertThat(d.body()).doesNotContain("ak_live_").doesNotContain("ak_test_").doesNotContain("secret-host")
                .doesNotContain("Exception");
    }
}
