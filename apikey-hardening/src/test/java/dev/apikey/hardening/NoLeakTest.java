package dev.apikey.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apikey.Environment;
import dev.apikey.KeyDigest;
import dev.apikey.KeyFormat;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyRequest;
import dev.apikey.hardening.TwoApps.Adapter;
import dev.apikey.spi.KeyQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, item 2: a run over both adapters and the admin API with valid, revoked, expired, suspended,
 * rate-limited, throttled and invalid keys, a failing and a hanging store, and admin errors. Every response
 * (status line, headers, body) and every log line (the library's loggers at ALL, everything else at its
 * configured level, plus System.out/err) is scanned for every plaintext key and every stored digest in six
 * encodings. The only place a plaintext may appear is the admin create or rotate response that issued it.
 */
class NoLeakTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TwoApps apps;

    /** A scanned text and the one key it may contain (an admin create/rotate response), or null. */
    record Scanned(String source, String text, String allowedKey) {
    }

    @BeforeAll
    static void start() throws Exception {
        apps = new TwoApps();
    }

    @AfterAll
    static void stop() throws Exception {
        apps.close();
    }

    @Test
    void noPlaintextKeyOrDigestAppearsInAnyResponseOrLogLineExceptTheIssuingAdminResponse() throws Exception {
        Set<String> keys = new LinkedHashSet<>();
        List<Scanned> scanned = new ArrayList<>();
        try (LogCapture logs = LogCapture.everything()) {
            run(keys, scanned);
            for (String line : logs.lines()) {
                scanned.add(new Scanned("log", line, null));
            }
        }
        Set<String> digests = new LinkedHashSet<>();
        for (KeyRecord r : apps.records.list(KeyQuery.all())) {
            digests.addAll(forms(r.digest()));
        }
        for (String k : keys) {
            if (KeyFormat.ofDefaults().check(k) != KeyFormat.Check.OK) {
                continue;
            }
            digests.addAll(forms(apps.keys.hasher().digest(KeyFormat.ofDefaults().parse(k))));
        }
        int leaks = 0;
        long responses = scanned.stream().filter(s -> !s.source().equals("log")).count();
        long logLines = scanned.size() - responses;
        long bytes = 0;
        for (Scanned s : scanned) {
            bytes += s.text().length();
            for (String k : keys) {
                if (s.text().contains(k) && !k.equals(s.allowedKey())) {
                    leaks++;
                    System.out.println("[leak] a plaintext key appears in " + s.source());
                }
            }
            for (String d : digests) {
                if (s.text().contains(d)) {
                    leaks++;
                    System.out.println("[leak] a digest appears in " + s.source());
                }
            }
        }
        long allowedShown = scanned.stream().filter(s -> s.allowedKey() != null && s.text().contains(s.allowedKey())).count();
        System.out.printf("[leak] scanned %d responses and %d log/console lines (%d chars) for %d plaintext keys and "
                        + "%d digest strings (6 encodings each); admin create/rotate responses showing their own key: %d; leaks found: %d%n",
                responses, logLines, bytes, keys.size(), digests.size(), allowedShown, leaks);
        assertThat(logLines).as("the run produced log lines to scan").isGreaterThan(50);
        assertThat(allowedShown).as("the admin API showed each issued key once").isEqualTo(3);
        assertThat(leaks).isZero();
    }

    /** encoded(), its base64url part, base64url and base64 with padding, and hex in both cases. */
    private static List<String> forms(KeyDigest d) {
        byte[] b = d.bytes();
        String encoded = d.encoded();
        return List.of(encoded, encoded.substring(encoded.indexOf(':') + 1), Base64.getUrlEncoder().encodeToString(b),
                Base64.getEncoder().encodeToString(b), HexFormat.of().formatHex(b), HexFormat.of().withUpperCase().formatHex(b));
    }

    private static void run(Set<String> keys, List<Scanned> scanned) throws Exception {
        String valid = issue(keys, KeyRequest.builder().scopes("billing:read"));
        String revoked = issue(keys, KeyRequest.builder().scopes("billing:read"));
        apps.keys.revoke(idOf(revoked));
        String suspended = issue(keys, KeyRequest.builder().scopes("billing:read"));
        apps.keys.suspend(idOf(suspended));
        Instant past = Instant.now().minus(Duration.ofDays(2));
        String expired = KeyManager.builder(apps.store).clock(Clock.fixed(past, ZoneOffset.UTC)).build()
                .issue(KeyRequest.builder().owner("leak").scopes("billing:read").expiresAt(past.plus(Duration.ofDays(1))).build())
                .key().reveal();
        keys.add(expired);
        String limited = issue(keys, KeyRequest.builder().scopes("billing:read").rateLimit("1/1d"));
        String quota = issue(keys, KeyRequest.builder().scopes("billing:read").quota("1/day"));
        String writer = issue(keys, KeyRequest.builder().scopes("billing:write"));
        String testEnv = issue(keys, KeyRequest.builder().scopes("billing:read").environment(Environment.TEST));
        // An admin key grants only what it holds (issue 26, item 5): it issues billing:read keys below.
        String admin = issue(keys, KeyRequest.builder().scopes("apikeys:admin", "billing:read"));
        String unknown = KeyFormat.ofDefaults().generate(Environment.LIVE).reveal();
        keys.add(unknown);
        String invalid = valid.substring(0, 30) + (valid.charAt(30) == 'Q' ? 'R' : 'Q') + valid.substring(31);
        keys.add(invalid);

        String b = "/billing/invoices";
        for (Adapter a : Adapter.values()) {
            for (String k : List.of(valid, revoked, suspended, expired, limited, limited, quota, quota, writer, testEnv,
                    unknown, invalid, admin)) {
                send(a, RawHttp.request("GET", b, "X-API-Key", k), scanned, null);
                send(a, RawHttp.request("GET", b, "Authorization", "Bearer " + k), scanned, null);
                send(a, RawHttp.request("GET", b + "?api_key=" + k), scanned, null);
                send(a, RawHttp.request("POST", b, "X-API-Key", k), scanned, null);
                send(a, RawHttp.request("GET", "/whoami", "X-API-Key", k), scanned, null);
            }
            send(a, RawHttp.request("GET", b), scanned, null);
            send(a, RawHttp.request("GET", b, "X-API-Key", valid, "Authorization", "Bearer " + unknown), scanned, null);
            send(a, RawHttp.request("GET", b, List.of(("X-API-Key: " + valid + "\u0085").getBytes(StandardCharsets.ISO_8859_1))),
                    scanned, null);
            for (int i = 0; i < 4; i++) {
                send(a, RawHttp.request("GET", "/throttled" + b, "X-API-Key", i < 3 ? invalid : unknown), scanned, null);
            }
            apps.faults.mode(FaultyStore.Mode.THROW);
            send(a, RawHttp.request("GET", "/down" + b, "X-API-Key", valid), scanned, null);
            apps.faults.mode(FaultyStore.Mode.HANG);
            send(a, RawHttp.request("GET", "/down" + b, "X-API-Key", valid), scanned, null);
            apps.faults.release();
        }

        // The admin API (Jersey app only).
        JsonNode created = admin(RawHttp.json("POST", "/admin/keys", "{\"owner\":\"leak-admin\",\"scopes\":[\"billing:read\"]}",
                "X-API-Key", admin), scanned, keys, "key");
        String id = created.get("id").asText();
        JsonNode second = admin(RawHttp.json("POST", "/admin/keys", "{\"owner\":\"leak-admin\",\"scopes\":[],\"rateLimit\":\"5/1m\","
                + "\"expiresAt\":\"" + Instant.now().plus(Duration.ofDays(3)) + "\"}", "X-API-Key", admin), scanned, keys, "key");
        String secondId = second.get("id").asText();
        admin(RawHttp.request("GET", "/admin/keys", "X-API-Key", admin), scanned, keys, null);
        admin(RawHttp.request("GET", "/admin/keys/" + id, "X-API-Key", admin), scanned, keys, null);
        JsonNode rotated = admin(RawHttp.json("POST", "/admin/keys/" + id + "/rotate", "{\"gracePeriod\":\"PT1H\"}",
                "X-API-Key", admin), scanned, keys, "key");
        admin(RawHttp.json("POST", "/admin/keys/" + secondId + "/suspend", "{}", "X-API-Key", admin), scanned, keys, null);
        admin(RawHttp.json("POST", "/admin/keys/" + secondId + "/resume", "{}", "X-API-Key", admin), scanned, keys, null);
        admin(RawHttp.json("POST", "/admin/keys/" + secondId + "/revoke", "{}", "X-API-Key", admin), scanned, keys, null);
        // Errors: revoked rotate (409), unknown id (404), bad JSON, unknown field, bad values (400), wrong key (401/403).
        admin(RawHttp.json("POST", "/admin/keys/" + secondId + "/rotate", "{\"gracePeriod\":\"PT0S\"}", "X-API-Key", admin), scanned, keys, null);
        admin(RawHttp.request("GET", "/admin/keys/key_doesNotExist0000", "X-API-Key", admin), scanned, keys, null);
        admin(RawHttp.json("POST", "/admin/keys", "{\"owner\":", "X-API-Key", admin), scanned, keys, null);
        admin(RawHttp.json("POST", "/admin/keys", "{\"owner\":\"x\",\"scopes\":[],\"secret\":1}", "X-API-Key", admin), scanned, keys, null);
        admin(RawHttp.json("POST", "/admin/keys", "{\"owner\":\"x\",\"scopes\":[\"NOT A SCOPE\"],\"rateLimit\":\"fast\"}",
                "X-API-Key", admin), scanned, keys, null);
        admin(RawHttp.json("POST", "/admin/keys", "{\"owner\":\"x\",\"scopes\":[],\"expiresAt\":\"2000-01-01T00:00:00Z\"}",
                "X-API-Key", admin), scanned, keys, null);
        admin(RawHttp.json("POST", "/admin/keys/" + id + "/rotate", "{\"gracePeriod\":\"soon\"}", "X-API-Key", admin), scanned, keys, null);
        admin(RawHttp.request("GET", "/admin/keys", "X-API-Key", valid), scanned, keys, null);
        admin(RawHttp.request("GET", "/admin/keys", "X-API-Key", revoked), scanned, keys, null);
        admin(RawHttp.request("GET", "/admin/keys", "X-API-Key", invalid), scanned, keys, null);
        // The keys the admin API issued, used afterwards.
        for (String k : List.of(created.get("key").asText(), rotated.get("key").asText(), second.get("key").asText())) {
            for (Adapter a : Adapter.values()) {
                send(a, RawHttp.request("GET", b, "X-API-Key", k), scanned, null);
            }
        }
    }

    private static JsonNode admin(byte[] request, List<Scanned> scanned, Set<String> keys, String keyField) throws Exception {
        RawHttp.Response r = RawHttp.once(apps.port(Adapter.JAXRS), request);
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (java.io.IOException notJson) {
            // Some errors (a body that is not JSON) are answered by Jersey's JSON provider in plain text.
            body = null;
        }
        body = body == null ? JSON.createObjectNode() : body;
        String shown = keyField != null && body.has(keyField) ? body.get(keyField).asText() : null;
        if (keyField != null) {
            assertThat(r.status()).as("admin %s", r.body().length()).isEqualTo(201);
            keys.add(shown);
        }
        scanned.add(new Scanned("admin response " + r.status(), text(r), shown));
        return body;
    }

    private static void send(Adapter a, byte[] request, List<Scanned> scanned, String allowed) {
        RawHttp.Response r = RawHttp.once(apps.port(a), request);
        scanned.add(new Scanned(a + " response " + r.status(), text(r), allowed));
    }

    private static String text(RawHttp.Response r) {
        return r.status() + "\n" + r.headers() + "\n" + r.body();
    }

    private static String issue(Set<String> keys, KeyRequest.Builder b) {
        String k = apps.issue(b.owner("leak"));
        keys.add(k);
        return k;
    }

    private static String idOf(String key) {
        KeyDigest d = apps.keys.hasher().digest(KeyFormat.ofDefaults().parse(key));
        return apps.records.list(KeyQuery.all()).stream().filter(r -> r.digest().equals(d)).findFirst().orElseThrow().id();
    }
}
