package dev.apikey.jaxrs.github;

import dev.apikey.json.StrictJson;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GitHub's published secret-scanning signing keys ({@code {"public_keys":[{"key_identifier":..,"key":PEM,..}]}}),
 * fetched on first use and again when a report names a key id not seen yet, at most once per
 * {@code minRefetch}: a stream of made-up key ids cannot turn this endpoint into a fetch loop. A fetch that fails
 * keeps the keys already known. Thread-safe.
 */
final class GitHubKeys {
    private static final System.Logger LOG = System.getLogger(GitHubKeys.class.getName());
    private static final int MAX_BYTES = 256 * 1024;

    private final URI url;
    private final HttpClient http;
    private final Duration minRefetch;
    private final Clock clock;
    private Map<String, PublicKey> keys = Map.of();
    private Instant lastFetch;

    GitHubKeys(URI url, HttpClient http, Duration minRefetch, Clock clock) {
        this.url = url;
        this.http = http;
        this.minRefetch = minRefetch;
        this.clock = clock;
    }

    /** The key with this id, fetching the list again if it is unknown and the last fetch is old enough; or null. */
    synchronized PublicKey find(String id) {
        PublicKey k = keys.get(id);
        if (k == null && (lastFetch == null || !clock.instant().isBefore(lastFetch.plus(minRefetch)))) {
            lastFetch = clock.instant();
            fetch();
            k = keys.get(id);
        }
        return k;
    }

    private void fetch() {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200 || r.body().length > MAX_BYTES) {
                LOG.log(System.Logger.Level.WARNING, "GitHub key list " + url + ": status " + r.statusCode()
                        + ", " + r.body().length + " bytes; keeping " + keys.size() + " known keys");
                return;
            }
            keys = parse(r.body());
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "GitHub key list " + url + " could not be read ("
                    + e.getClass().getSimpleName() + "); keeping " + keys.size() + " known keys");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The keys of a key-list document; entries that do not parse are left out. */
    static Map<String, PublicKey> parse(byte[] json) {
        Object list = StrictJson.object(json).get("public_keys");
        Map<String, PublicKey> out = new HashMap<>();
        if (!(list instanceof List<?> entries)) {
            return out;
        }
        for (Object e : entries) {
            if (e instanceof Map<?, ?> m && m.get("key_identifier") instanceof String id && m.get("key") instanceof String pem) {
                PublicKey k = ecKey(pem);
                if (k != null) {
                    out.put(id, k);
                }
            }
        }
        return Map.copyOf(out);
    }

    private static PublicKey ecKey(String pem) {
        String b64 = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "")
                .replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }
}
