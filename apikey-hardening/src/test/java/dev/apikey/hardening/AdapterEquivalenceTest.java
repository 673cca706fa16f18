package dev.apikey.hardening;

import dev.apikey.Environment;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.hardening.TwoApps.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, item 6: one table of requests (a row per line of DESIGN.md's response table, plus edge cases) sent
 * to the servlet filter and to the JAX-RS filter gives the same status, security headers and body.
 *
 * <p>Values that may legitimately differ: the seconds in {@code Retry-After} and in {@code RateLimit}'s
 * {@code t=} are compared with a tolerance of one second (the two requests are not sent in the same instant).
 * Rows whose state is consumed (rate limit, quota, throttle) use a key of their own per adapter; allowed
 * rows compare status and headers only, since the body is the application's.
 */
class AdapterEquivalenceTest {
    private static final List<String> COMPARED = List.of("WWW-Authenticate", "Retry-After", "Cache-Control", "Vary",
            "RateLimit-Policy", "RateLimit", "Content-Type");
    private static final String BILLING = "/billing/invoices";

    /** Marks rows the container answers before the filter runs; only their status is compared. */
    private static final String CONTAINER = "[container] ";

    private static TwoApps apps;

    /** A row: a name and, per adapter, the request bytes (the same unless the row needs a key per adapter). */
    record Row(String situation, int expectedStatus, String path, Function<Adapter, byte[]> request) {
    }

    @BeforeAll
    static void start() throws Exception {
        apps = new TwoApps();
    }

    @AfterAll
    static void stop() throws Exception {
        apps.close();
    }

    private static String key(KeyRequest.Builder b) {
        return apps.issue(b.owner("table"));
    }

    private static Function<Adapter, byte[]> same(byte[] request) {
        return a -> request;
    }

    private static byte[] get(String path, String... headers) {
        return RawHttp.request("GET", path, headers);
    }

    private List<Row> table() {
        String reader = key(KeyRequest.builder().scopes("billing:read"));
        String revoked = key(KeyRequest.builder().scopes("billing:read"));
        apps.keys.revoke(idOf(revoked));
        String suspended = key(KeyRequest.builder().scopes("billing:read"));
        apps.keys.suspend(idOf(suspended));
        Instant past = Instant.now().minus(Duration.ofDays(2));
        String expired = KeyManager.builder(apps.store).clock(Clock.fixed(past, ZoneOffset.UTC)).build()
                .issue(KeyRequest.builder().owner("table").scopes("billing:read").expiresAt(past.plus(Duration.ofDays(1))).build())
                .key().reveal();
        String testEnv = key(KeyRequest.builder().scopes("billing:read").environment(Environment.TEST));
        String notYet = key(KeyRequest.builder().scopes("billing:read").notBefore(Instant.now().plus(Duration.ofDays(1))));
        String writerOnly = key(KeyRequest.builder().scopes("billing:write"));
        String otherNet = key(KeyRequest.builder().scopes("billing:read").allowedCidrs("10.0.0.0/8"));
        String limitedHeaders = key(KeyRequest.builder().scopes("billing:read").rateLimit("100/1d"));
        String malformed = reader.substring(0, 20) + (reader.charAt(20) == 'x' ? 'y' : 'x') + reader.substring(21);
        String unknown = dev.apikey.KeyFormat.ofDefaults().generate(Environment.LIVE).reveal();

        List<Row> rows = new ArrayList<>();
        rows.add(new Row("no credential", 401, BILLING, same(get(BILLING))));
        rows.add(new Row("malformed key", 401, BILLING, same(get(BILLING, "X-API-Key", malformed))));
        rows.add(new Row("unknown key", 401, BILLING, same(get(BILLING, "X-API-Key", unknown))));
        rows.add(new Row("revoked key", 401, BILLING, same(get(BILLING, "X-API-Key", revoked))));
        rows.add(new Row("suspended key", 401, BILLING, same(get(BILLING, "X-API-Key", suspended))));
        rows.add(new Row("expired key", 401, BILLING, same(get(BILLING, "X-API-Key", expired))));
        rows.add(new Row("not yet valid key", 401, BILLING, same(get(BILLING, "X-API-Key", notYet))));
        rows.add(new Row("wrong environment", 401, BILLING, same(get(BILLING, "Authorization", "Bearer " + testEnv))));
        rows.add(new Row("two credentials", 400, BILLING, same(get(BILLING, "X-API-Key", reader, "Authorization", "Bearer " + unknown))));
        rows.add(new Row("control character (query, %01)", 400, BILLING, same(get(BILLING + "?api_key="
                + reader.substring(0, 10) + "%01" + reader.substring(10)))));
        rows.add(new Row("C1 control byte in header", 400, BILLING, same(RawHttp.request("GET", BILLING,
                List.of(("X-API-Key: " + reader.substring(0, 10) + "\u0085" + reader.substring(10)).getBytes(StandardCharsets.ISO_8859_1))))));
        // Jetty itself refuses C0 controls in header values (its own 400 page, before any filter): status only.
        rows.add(new Row(CONTAINER + "control character (header)", 400, BILLING, same(RawHttp.request("GET", BILLING,
                List.of(("X-API-Key: " + reader.substring(0, 10) + "\u0001" + reader.substring(10)).getBytes(StandardCharsets.ISO_8859_1))))));
        rows.add(new Row("scope missing", 403, BILLING, same(get(BILLING, "X-API-Key", writerOnly))));
        rows.add(new Row("client address not allowed", 403, BILLING, same(get(BILLING, "X-API-Key", otherNet))));
        rows.add(new Row("rate limit exhausted", 429, BILLING, exhausted(KeyRequest.builder().scopes("billing:read").rateLimit("1/1d"))));
        rows.add(new Row("quota exhausted", 429, BILLING, exhausted(KeyRequest.builder().scopes("billing:read").quota("1/day"))));
        rows.add(new Row("too many failures", 429, "/throttled" + BILLING, a -> {
            // Failures are counted for every bad key; past the allowance a failing attempt gets 429 instead of 401.
            byte[] bad = get("/throttled" + BILLING, "X-API-Key", malformed);
            for (int i = 0; i < 3; i++) {
                RawHttp.once(apps.port(a), bad);
            }
            return get("/throttled" + BILLING, "X-API-Key", unknown);
        }));
        // The same throttled client: a key that verifies is never refused by the throttle.
        rows.add(new Row("valid key of a throttled client", 200, "/throttled" + BILLING,
                same(get("/throttled" + BILLING, "X-API-Key", reader))));
        rows.add(new Row("store unreachable", 503, "/down" + BILLING, same(get("/down" + BILLING, "X-API-Key", reader))));
        // Edge cases.
        rows.add(new Row("allowed, with RateLimit headers", 200, BILLING, same(get(BILLING, "X-API-Key", limitedHeaders))));
        rows.add(new Row("allowed, Bearer", 200, BILLING, same(get(BILLING, "Authorization", "Bearer " + reader))));
        rows.add(new Row("allowed, key in query", 200, BILLING, same(get(BILLING + "?api_key=" + reader))));
        rows.add(new Row("same key in header and Bearer", 200, BILLING, same(get(BILLING, "X-API-Key", reader,
                "Authorization", "bearer " + reader))));
        rows.add(new Row("bare Bearer", 401, BILLING, same(get(BILLING, "Authorization", "Bearer "))));
        rows.add(new Row("Basic scheme only", 401, BILLING, same(get(BILLING, "Authorization", "Basic dXNlcjpwYXNz"))));
        rows.add(new Row("empty header", 401, BILLING, same(get(BILLING, "X-API-Key", ""))));
        rows.add(new Row("key longer than 256", 400, BILLING, same(get(BILLING, "X-API-Key", reader.repeat(6)))));
        rows.add(new Row("17 key headers", 400, BILLING, a -> {
            String[] h = new String[34];
            for (int i = 0; i < 17; i++) {
                h[2 * i] = "X-API-Key";
                h[2 * i + 1] = malformed;
            }
            return get(BILLING, h);
        }));
        rows.add(new Row("header and query differ", 400, BILLING, same(get(BILLING + "?api_key=" + unknown, "X-API-Key", reader))));
        rows.add(new Row("POST without billing:write", 403, BILLING, same(RawHttp.request("POST", BILLING, "X-API-Key", reader))));
        rows.add(new Row("any key path, unknown key", 401, "/whoami", same(get("/whoami", "X-API-Key", unknown))));
        return rows;
    }

    /** A fresh key per adapter whose one permit is spent before the compared request. */
    private static Function<Adapter, byte[]> exhausted(KeyRequest.Builder spec) {
        Map<Adapter, String> keys = new LinkedHashMap<>();
        for (Adapter a : Adapter.values()) {
            keys.put(a, key(spec));
        }
        return a -> {
            byte[] r = get(BILLING, "X-API-Key", keys.get(a));
            assertThat(RawHttp.once(apps.port(a), r).status()).isEqualTo(200);
            return r;
        };
    }

    private static String idOf(String key) {
        return apps.keys.list(dev.apikey.spi.KeyQuery.all()).stream()
                .filter(r -> r.digest().equals(apps.keys.hasher().digest(apps.keys.format().parse(key))))
                .findFirst().orElseThrow().id();
    }

    @Test
    void bothAdaptersGiveTheSameStatusHeadersAndBodyForEveryRowOfTheResponseTable() {
        apps.faults.mode(FaultyStore.Mode.THROW);
        List<String> differences = new ArrayList<>();
        List<Row> rows = table();
        for (Row row : rows) {
            Map<Adapter, RawHttp.Response> answers = new LinkedHashMap<>();
            for (Adapter a : Adapter.values()) {
                answers.put(a, RawHttp.once(apps.port(a), row.request().apply(a)));
            }
            RawHttp.Response s = answers.get(Adapter.SERVLET);
            RawHttp.Response j = answers.get(Adapter.JAXRS);
            assertThat(s.status()).as("servlet status for '%s'", row.situation()).isEqualTo(row.expectedStatus());
            compare(row.situation(), "status", String.valueOf(s.status()), String.valueOf(j.status()), differences);
            boolean byFilter = !row.situation().startsWith(CONTAINER);
            for (String h : byFilter ? COMPARED : List.<String>of()) {
                if (row.expectedStatus() == 200 && h.equals("Content-Type")) {
                    continue;
                }
                compare(row.situation(), h, s.header(h), j.header(h), differences);
            }
            if (row.expectedStatus() != 200 && byFilter) {
                compare(row.situation(), "body", s.body(), j.body(), differences);
                assertThat(s.header("Cache-Control")).as("Cache-Control of '%s'", row.situation()).isEqualTo("no-store");
            }
            if (row.expectedStatus() == 200) {
                // Issue 26, item 6: an authenticated answer is kept out of shared caches, and a cache that stores
                // it anyway must key it on the credential.
                assertThat(s.header("Cache-Control")).as("Cache-Control of '%s'", row.situation()).isEqualTo("private, no-store");
                assertThat(s.header("Vary")).as("Vary of '%s'", row.situation()).containsIgnoringCase("X-API-Key");
            }
            System.out.printf("[equivalence] %-32s servlet=%d jaxrs=%d %s%n", row.situation(), s.status(), j.status(),
                    s.header("WWW-Authenticate") == null ? "" : "WWW-Authenticate: " + s.header("WWW-Authenticate"));
        }
        System.out.printf("[equivalence] rows=%d differences=%d%n", rows.size(), differences.size());
        assertThat(differences).isEmpty();
    }

    private static void compare(String row, String what, String servlet, String jaxrs, List<String> differences) {
        if (servlet == null ? jaxrs == null : servlet.equals(jaxrs) || withinASecond(what, servlet, jaxrs)) {
            return;
        }
        differences.add(row + " / " + what + ": servlet=" + servlet + " jaxrs=" + jaxrs);
    }

    /** Retry-After and RateLimit's t= are seconds until a reset: they may differ by one between two requests. */
    private static boolean withinASecond(String what, String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        if (what.equals("Retry-After")) {
            return Math.abs(Long.parseLong(a) - Long.parseLong(b)) <= 1;
        }
        if (what.equals("RateLimit")) {
            String[] x = a.split(";t=");
            String[] y = b.split(";t=");
            return x.length == 2 && y.length == 2 && x[0].equals(y[0])
                    && Math.abs(Long.parseLong(x[1]) - Long.parseLong(y[1])) <= 1;
        }
        return false;
    }
}
