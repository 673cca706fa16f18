package dev.apikey.hardening;

import dev.apikey.ApiKey;
import dev.apikey.Environment;
import dev.apikey.KeyDigest;
import dev.apikey.KeyFormat;
import dev.apikey.KeyHasher;
import dev.apikey.KeyIds;
import dev.apikey.KeyRecord;
import dev.apikey.ScopeSet;
import dev.apikey.hardening.TwoApps.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, item 1: generated hostile credentials and requests (fixed seed) against both adapters over real
 * HTTP. Only 400, 401 or 431 come back; nothing above WARNING is logged (WARNING records with an exception are
 * counted and printed: in about one run in five Jetty 12.1.14 logs one from its ServletChannel, an
 * IllegalArgumentException thrown inside {@code SocketChannel.write} while the filter writes a rejection, because
 * the output buffer's limit dropped to 0 under the write: a buffer released by Jetty while a connection the suite
 * aborted is still being written to. Stack traces go to {@code target/hostile-log-records.txt}); and only
 * credentials that pass the
 * format and checksum check cost a store lookup. Size: {@code -Dhardening.hostile.inputs} (default 10,000 per
 * adapter; the {@code hardening-large} profile sends 100,000).
 */
class HostileInputTest {
    private static final long SEED = 0x5EED_0009L;
    private static final int INPUTS = Integer.getInteger("hardening.hostile.inputs", 10_000);
    private static final int CONNECTIONS = 8;
    private static final Set<Integer> ALLOWED = Set.of(400, 401, 431);
    private static final String TARGET = "/billing/invoices";
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static TwoApps apps;
    private static String valid;
    private static List<Hostile> inputs;
    /** Well-formed inputs sent a second time after a connection failed: the server may have looked up both. */
    private static final AtomicLong resentWellFormed = new AtomicLong();

    /** One generated request: its bytes, what kind it is, whether it must go on a connection of its own. */
    record Hostile(String kind, byte[] request, boolean ownConnection, String wellFormed) {
    }

    @BeforeAll
    static void start() throws Exception {
        apps = new TwoApps();
        // The valid key comes from the seed too, so the same seed generates byte-for-byte the same inputs.
        Random rnd = new Random(SEED);
        ApiKey key = KeyFormat.ofDefaults().generate(Environment.LIVE, seeded(rnd));
        apps.store.create(KeyRecord.builder().id(KeyIds.newId()).digest(KeyHasher.sha256().digest(key)).hint(key.hint())
                .owner("hostile").environment(Environment.LIVE).scopes(ScopeSet.parse("billing:read"))
                .created(Instant.now()).build());
        valid = key.reveal();
        inputs = generate(rnd, INPUTS);
    }

    @AfterAll
    static void stop() throws Exception {
        apps.close();
    }

    @Test
    void hostileCredentialsGetOnly400Or401Or431AndMalformedOnesCostNoLookup() throws Exception {
        Map<String, Integer> kinds = new TreeMap<>();
        inputs.forEach(h -> kinds.merge(h.kind(), 1, Integer::sum));
        Set<KeyDigest> wellFormedDigests = new HashSet<>();
        long wellFormedInputs = inputs.stream().filter(h -> h.wellFormed() != null).count();
        for (Hostile h : inputs) {
            if (h.wellFormed() != null) {
                wellFormedDigests.add(KeyHasher.sha256().digest(KeyFormat.ofDefaults().parse(h.wellFormed())));
            }
        }
        System.out.printf("[hostile] seed=%#x inputs=%d per adapter (%d bytes in all), kinds=%s%n", SEED, inputs.size(),
                inputs.stream().mapToLong(h -> h.request().length).sum(), kinds);

        try (LogCapture logs = LogCapture.records()) {
            for (Adapter adapter : Adapter.values()) {
                long lookupsBefore = apps.store.digestLookups.get();
                apps.store.lookedUp.clear();
                resentWellFormed.set(0);
                long started = System.nanoTime();
                Map<Integer, AtomicInteger> statuses = run(adapter);
                long millis = (System.nanoTime() - started) / 1_000_000;
                long lookups = apps.store.digestLookups.get() - lookupsBefore;
                System.out.printf("[hostile] %s: %d requests in %d ms, statuses=%s, store lookups=%d "
                                + "(well-formed credentials sent=%d, lookups of malformed credentials=%d)%n",
                        adapter, inputs.size(), millis, new TreeMap<>(statuses), lookups, wellFormedInputs,
                        apps.store.lookedUp.stream().filter(d -> !wellFormedDigests.contains(d)).count());

                assertThat(statuses.keySet()).as("statuses from %s", adapter).isSubsetOf(ALLOWED);
                assertThat(apps.store.lookedUp).as("digests looked up by %s", adapter).isSubsetOf(wellFormedDigests);
                // One lookup per well-formed credential; one more at most for each that had to be sent again.
                assertThat(lookups).as("lookups by %s: one per well-formed credential (%d sent again), none for the rest",
                                adapter, resentWellFormed.get())
                        .isBetween(wellFormedInputs, wellFormedInputs + resentWellFormed.get());
            }
            // Logger and exception class only: a message could echo hostile input.
            List<String> serious = logs.aboveWarning().stream().map(HostileInputTest::describe).toList();
            List<String> warnings = logs.warningsWithException().stream().map(HostileInputTest::describe).toList();
            System.out.printf("[hostile] log records captured=%d, above WARNING=%d %s, WARNING with an exception=%d %s%n",
                    logs.records.size(), serious.size(), serious, warnings.size(), warnings);
            dumpForDiagnosis(logs);
            assertThat(serious).isEmpty();
        }
        // The valid key still works afterwards on both: nothing above broke the apps.
        for (Adapter adapter : Adapter.values()) {
            assertThat(RawHttp.once(apps.port(adapter), RawHttp.request("GET", TARGET, "X-API-Key", valid)).status())
                    .isEqualTo(200);
        }
    }

    /** Stack traces of WARNING-and-above records go to target/ (not the console, which must never show input). */
    private static void dumpForDiagnosis(LogCapture logs) throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        for (LogRecord r : logs.records) {
            if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue() && r.getThrown() != null) {
                java.io.StringWriter w = new java.io.StringWriter();
                r.getThrown().printStackTrace(new java.io.PrintWriter(w));
                b.append(describe(r)).append('\n').append(w).append('\n');
            }
        }
        if (b.length() > 0) {
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "hostile-log-records.txt"), b);
        }
    }

    private static String describe(LogRecord r) {
        return r.getLevel() + " " + r.getLoggerName() + (r.getThrown() == null ? "" : " " + r.getThrown().getClass().getName());
    }

    private static Map<Integer, AtomicInteger> run(Adapter adapter) throws Exception {
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        AtomicLong failures = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < CONNECTIONS; t++) {
            workers.add(pool.submit(() -> {
                try (RawHttp http = new RawHttp(apps.port(adapter))) {
                    for (int i = next.getAndIncrement(); i < inputs.size(); i = next.getAndIncrement()) {
                        Hostile h = inputs.get(i);
                        RawHttp.Response r;
                        int resendsBefore = http.resends;
                        try {
                            r = h.ownConnection() ? once(adapter, h, i) : http.send(h.request());
                        } catch (UncheckedIOException e) {
                            // Which input went unanswered (its kind and index, never its bytes) and how (a socket
                            // error's text, which holds no input), for whoever reruns it.
                            throw new UncheckedIOException(adapter + " gave no answer to " + h.kind() + " input #" + i
                                    + ": " + e.getCause(), e.getCause());
                        }
                        if (http.resends != resendsBefore && h.wellFormed() != null) {
                            resentWellFormed.incrementAndGet();
                            System.out.printf("[hostile] %s: %s input #%d sent again on a fresh connection%n",
                                    adapter, h.kind(), i);
                        }
                        statuses.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
                        if (!ALLOWED.contains(r.status())) {
                            failures.incrementAndGet();
                            System.out.printf("[hostile] %s answered %d to a %s input%n", adapter, r.status(), h.kind());
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get();
        }
        pool.shutdown();
        return statuses;
    }

    /**
     * Sends an input that needs a connection of its own. Once (a "random-bytes-with-cr-lf" input to the JAX-RS
     * app, in one of about fifteen runs of the module on 2026-11-28, within seconds rather than at the read
     * timeout; six runs of this test alone passed) such a connection ended without an answer; the socket error
     * was not recorded then. A likely cause is the kernel's: a server that refuses a request part way through
     * and closes at once may reset the connection, and a reset drops an answer already sent before the client
     * reads it. So an unanswered input is sent once more on a fresh connection, which is printed with the socket
     * error; a server that does not answer the same bytes twice fails the test.
     */
    private static RawHttp.Response once(Adapter adapter, Hostile h, int index) {
        try {
            return RawHttp.once(apps.port(adapter), h.request());
        } catch (UncheckedIOException e) {
            System.out.printf("[hostile] %s: no answer to %s input #%d (%s); sent again%n", adapter, h.kind(), index,
                    e.getCause());
            if (h.wellFormed() != null) {
                resentWellFormed.incrementAndGet();
            }
            return RawHttp.once(apps.port(adapter), h.request());
        }
    }

    // ---- generation ------------------------------------------------------------------------------------

    static List<Hostile> generate(Random rnd, int count) {
        List<Hostile> out = new ArrayList<>(count);
        SecureRandom keyRandom = seeded(rnd);
        for (int i = 0; i < count; i++) {
            out.add(one(i % 20, rnd, keyRandom));
        }
        return out;
    }

    private static Hostile one(int kind, Random rnd, SecureRandom keyRandom) {
        String mutated = oneCharChanged(valid, rnd);
        switch (kind) {
            case 0: {
                byte[] v = randomBytes(rnd, 1 + rnd.nextInt(64), true);
                return new Hostile("random-bytes", req(List.of(concat("X-API-Key: ", v))), false, null);
            }
            case 1: {
                byte[] v = randomBytes(rnd, 1 + rnd.nextInt(64), false);
                return new Hostile("random-bytes-with-cr-lf", req(List.of(concat("X-API-Key: ", v))), true, null);
            }
            case 2: {
                char c = "\u0000\u0001\u0007\u0008\u000b\u000c\u001b\u001f\u007f".charAt(rnd.nextInt(9));
                String v = insert(valid, rnd, String.valueOf(c));
                return new Hostile("raw-control-char", req(List.of(("X-API-Key: " + v).getBytes(StandardCharsets.ISO_8859_1))),
                        false, null);
            }
            case 3: {
                String inj = List.of("\r", "\n", "\r\n", "\r\nX-Injected: 1", "\r\n\r\nGET / HTTP/1.1", "\n\t").get(rnd.nextInt(6));
                String v = insert(valid, rnd, inj);
                return new Hostile("raw-cr-lf", req(List.of(("X-API-Key: " + v).getBytes(StandardCharsets.ISO_8859_1))),
                        true, null);
            }
            case 4: {
                String enc = List.of("%00", "%0d", "%0a", "%0D%0A", "%0d%0aX-Injected:%201", "%1b", "%7f", "%c2%85").get(rnd.nextInt(8));
                String v = insertEncoded(valid, rnd, enc);
                return new Hostile("percent-encoded-control-in-query", RawHttp.request("GET", TARGET + "?api_key=" + v),
                        false, null);
            }
            case 5: {
                String v = insert(valid, rnd, List.of("%00", "%0d%0a", "%0a").get(rnd.nextInt(3)));
                return new Hostile("percent-encoded-control-in-header", req(List.of(RawHttp.line("X-API-Key", v))), false, null);
            }
            case 6: {
                String v = lookalike(valid, rnd);
                return new Hostile("non-ascii-lookalike-in-header", req(List.of(RawHttp.line("X-API-Key", v))), false, null);
            }
            case 7: {
                String v = fullWidth(valid, rnd);
                return rnd.nextBoolean()
                        ? new Hostile("full-width-in-header", req(List.of(RawHttp.line("Authorization", "Bearer " + v))), false, null)
                        : new Hostile("full-width-in-query", RawHttp.request("GET", TARGET + "?api_key="
                        + URLEncoder.encode(v, StandardCharsets.UTF_8)), false, null);
            }
            case 8:
            case 9:
                return new Hostile("one-char-changed", req(List.of(RawHttp.line(rnd.nextBoolean() ? "X-API-Key" : "x-api-key", mutated))),
                        false, wellFormedOrNull(mutated));
            case 10:
                return new Hostile("one-char-changed-bearer", req(List.of(RawHttp.line("Authorization",
                        (rnd.nextBoolean() ? "Bearer " : "ApiKey ") + mutated))), false, wellFormedOrNull(mutated));
            case 11: {
                int size = rnd.nextInt(4) == 0 ? 100 * 1024 : 8 * 1024;
                String v = randomText(rnd, size);
                return new Hostile(size > 8192 ? "100kb-value" : "8kb-value", req(List.of(RawHttp.line(
                        rnd.nextBoolean() ? "X-API-Key" : "Authorization", v))), size > 8192, null);
            }
            case 12: {
                List<byte[]> lines = new ArrayList<>();
                boolean keys = rnd.nextBoolean();
                for (int i = 0; i < 200; i++) {
                    lines.add(keys ? RawHttp.line("X-API-Key", oneCharChanged(valid, rnd)) : RawHttp.line("X-Junk-" + i, "v" + i));
                }
                if (!keys) {
                    lines.add(RawHttp.line("X-API-Key", mutated));
                }
                return new Hostile(keys ? "200-key-headers" : "200-headers", req(lines), false, null);
            }
            case 13: {
                String other = KeyFormat.ofDefaults().generate(Environment.LIVE, keyRandom).reveal();
                return switch (rnd.nextInt(3)) {
                    case 0 -> new Hostile("duplicated-header-two-keys", req(List.of(RawHttp.line("X-API-Key", valid),
                            RawHttp.line("X-API-Key", other))), false, null);
                    case 1 -> new Hostile("duplicated-header-same-bad-key", req(List.of(RawHttp.line("X-API-Key", mutated),
                            RawHttp.line("X-API-Key", mutated))), false, null);
                    default -> new Hostile("header-and-bearer-differ", req(List.of(RawHttp.line("X-API-Key", valid),
                            RawHttp.line("Authorization", "Bearer " + mutated))), false, null);
                };
            }
            case 14: {
                String other = rnd.nextBoolean() ? mutated : KeyFormat.ofDefaults().generate(Environment.LIVE, keyRandom).reveal();
                return new Hostile("key-in-header-and-query", RawHttp.request("GET", TARGET + "?api_key=" + other,
                        "X-API-Key", valid), false, null);
            }
            case 15: {
                List<String> empties = List.of("X-API-Key: ", "X-API-Key:    ", "X-API-Key: \t", "Authorization: ",
                        "Authorization: Bearer ", "Authorization: Bearer", "Authorization: ApiKey  ", "Authorization: bearer \t");
                String line = empties.get(rnd.nextInt(empties.size()));
                return new Hostile(line.contains("Bearer") || line.contains("bearer") ? "bare-bearer" : "empty-value",
                        req(List.of(line.getBytes(StandardCharsets.ISO_8859_1))), false, null);
            }
            case 16: {
                String target = TARGET + "?api_key=" + (rnd.nextBoolean() ? "" : "&api_key=");
                return new Hostile("empty-query-value", RawHttp.request("GET", target), false, null);
            }
            case 17: {
                byte[] v = randomBytes(rnd, 1 + rnd.nextInt(64), false);
                StringBuilder enc = new StringBuilder();
                for (byte b : v) {
                    enc.append('%').append(String.format("%02x", b & 0xff));
                }
                return new Hostile("random-bytes-percent-encoded-in-query", RawHttp.request("GET", TARGET + "?api_key=" + enc),
                        false, null);
            }
            case 18: {
                // Well-formed (checksum passes) but unknown: these, and only these, may reach the store.
                String k = KeyFormat.ofDefaults().generate(Environment.LIVE, keyRandom).reveal();
                return new Hostile("well-formed-unknown", req(List.of(RawHttp.line("X-API-Key", k))), false, k);
            }
            default: {
                String k = KeyFormat.ofDefaults().generate(Environment.TEST, keyRandom).reveal();
                return new Hostile("well-formed-unknown-test-env", req(List.of(RawHttp.line("Authorization", "Bearer " + k))),
                        false, k);
            }
        }
    }

    private static byte[] req(List<byte[]> lines) {
        return RawHttp.request("GET", TARGET, lines);
    }

    private static String wellFormedOrNull(String candidate) {
        return KeyFormat.ofDefaults().check(candidate) == KeyFormat.Check.OK ? candidate : null;
    }

    private static SecureRandom seeded(Random rnd) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(rnd.nextLong());
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(String head, byte[] tail) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        b.writeBytes(tail);
        return b.toByteArray();
    }

    /** Random bytes; without CR and LF when {@code noLineBreaks} (those could end the header early). */
    private static byte[] randomBytes(Random rnd, int n, boolean noLineBreaks) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            int v;
            do {
                v = rnd.nextInt(256);
            } while (noLineBreaks && (v == '\r' || v == '\n'));
            b[i] = (byte) v;
        }
        if (!noLineBreaks) {
            b[rnd.nextInt(n)] = (byte) (rnd.nextBoolean() ? '\r' : '\n');
        }
        return b;
    }

    private static String randomText(Random rnd, int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    private static String oneCharChanged(String key, Random rnd) {
        int at = rnd.nextInt(key.length());
        char c;
        do {
            c = (ALPHABET + "_").charAt(rnd.nextInt(ALPHABET.length() + 1));
        } while (c == key.charAt(at));
        return key.substring(0, at) + c + key.substring(at + 1);
    }

    /** Inserts strictly inside the key, so what stays before an injected line break is never the whole key. */
    private static String insert(String key, Random rnd, String what) {
        int at = 1 + rnd.nextInt(key.length() - 1);
        return key.substring(0, at) + what + key.substring(at);
    }

    private static String insertEncoded(String key, Random rnd, String what) {
        return insert(key, rnd, what);
    }

    /** Replaces 1-3 characters by non-ASCII look-alikes (Cyrillic, Greek, accented Latin, dotless i). */
    private static String lookalike(String key, Random rnd) {
        String from = "aceopxyABCEHKMOPTXi0O1l";
        String to = "\u0430\u0441\u0435\u043e\u0440\u0445\u0443\u0391\u0412\u0421\u0395\u0397\u039a\u041c\u039f\u0420\u03a4\u03a7\u0131\u041e\u0460\u0399\u04cf";
        StringBuilder b = new StringBuilder(key);
        int changes = 1 + rnd.nextInt(3);
        for (int n = 0, tries = 0; n < changes && tries < 200; tries++) {
            int at = rnd.nextInt(b.length());
            int idx = from.indexOf(b.charAt(at));
            if (idx >= 0) {
                b.setCharAt(at, to.charAt(idx));
                n++;
            } else if (tries > 100) {
                b.setCharAt(at, (char) (0xe0 + rnd.nextInt(0x20)));
                n++;
            }
        }
        return b.toString();
    }

    /** Full-width forms (U+FF01..U+FF5E) of all or some of the key's characters. */
    private static String fullWidth(String key, Random rnd) {
        boolean all = rnd.nextBoolean();
        int surely = rnd.nextInt(key.length());
        StringBuilder b = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            b.append(all || i == surely || rnd.nextInt(8) == 0 ? (char) (c + 0xFEE0) : c);
        }
        return b.toString();
    }
}
