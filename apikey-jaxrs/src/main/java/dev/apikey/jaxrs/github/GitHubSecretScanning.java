package dev.apikey.jaxrs.github;

import dev.apikey.ProblemRenderer;
import dev.apikey.leak.LeakReports;
import dev.apikey.leak.LeakResult;
import dev.apikey.json.StrictJson;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The endpoint GitHub's secret-scanning partner program posts to when it finds this deployment's keys in public
 * code: {@code POST /secret-scanning/github}. Register it next to the {@code ApiKeyFeature}; it is public
 * ({@code @PermitAll}), because GitHub holds no key of ours: the ECDSA signature over the body, checked against
 * GitHub's published keys, is what proves the sender. Each reported token goes through {@link LeakReports} (format
 * and checksum first, then one lookup), and the answer labels each one {@code true_positive} (a key this
 * deployment issued) or {@code false_positive}, identified by {@code token_hash} (hex SHA-256 of the token, as the
 * program asks) so that the token itself is never sent back.
 */
@Path("secret-scanning/github")
@PermitAll
public final class GitHubSecretScanning {
    /** Where GitHub publishes its signing keys. */
    public static final URI GITHUB_KEYS = URI.create("https://api.github.com/meta/public_keys/secret_scanning");
    /** Largest report read; GitHub batches matches, and a bigger body is refused (413) unread. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    private final LeakReports reports;
    private final GitHubKeys keys;
    private final ProblemRenderer problems;

    private GitHubSecretScanning(Builder b) {
        this.reports = b.reports;
        this.keys = new GitHubKeys(b.keysUrl, b.http, b.minRefetch, b.clock);
        this.problems = b.problems;
    }

    /** A builder; {@code reports} decides what happens to keys of ours. */
    public static Builder builder(LeakReports reports) {
        return new Builder(reports);
    }

    /** Verifies the report's signature and handles its tokens. */
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response report(@HeaderParam("Github-Public-Key-Identifier") String keyId,
                           @HeaderParam("Github-Public-Key-Signature") String signature, InputStream body) {
        byte[] bytes;
        try {
            bytes = body == null ? new byte[0] : body.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            return problem(400, "invalid-request", "Invalid request", "the body could not be read");
        }
        if (bytes.length > MAX_BODY_BYTES) {
            return problem(413, "too-large", "Request too large", "a report may be at most " + MAX_BODY_BYTES + " bytes");
        }
        if (keyId == null || signature == null || keyId.length() > 256 || signature.length() > 1024) {
            return problem(401, "invalid-signature", "Invalid signature",
                    "the Github-Public-Key-Identifier and Github-Public-Key-Signature headers are required");
        }
        PublicKey key = keys.find(keyId);
        if (key == null || !verifies(key, signature, bytes)) {
            return problem(401, "invalid-signature", "Invalid signature",
                    "the body is not signed by a key GitHub publishes for secret scanning");
        }
        List<String[]> found;
        try {
            found = tokens(bytes);
        } catch (StrictJson.Malformed e) {
            return problem(400, "invalid-request", "Invalid request", e.getMessage());
        }
        if (found.size() > LeakReports.MAX_TOKENS) {
            return problem(413, "too-large", "Request too large", "a report may hold at most " + LeakReports.MAX_TOKENS + " tokens");
        }
        List<LeakResult> results = reports.handle(found.stream().map(t -> t[0]).toList());
        List<Map<String, Object>> answer = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("token_hash", sha256Hex(found.get(i)[0]));
            m.put("token_type", found.get(i)[1]);
            m.put("label", results.get(i).verdict().ours() ? "true_positive" : "false_positive");
            answer.add(m);
        }
        return Response.ok(StrictJson.write(answer)).header("Cache-Control", "no-store").build();
    }

    private static boolean verifies(PublicKey key, String signature, byte[] body) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initVerify(key);
            s.update(body);
            return s.verify(Base64.getDecoder().decode(signature.strip()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Each entry's token and type; an entry must be an object with a string token. */
    private static List<String[]> tokens(byte[] body) {
        List<String[]> out = new ArrayList<>();
        for (Object o : StrictJson.array(body)) {
            if (!(o instanceof Map<?, ?> m) || !(m.get("token") instanceof String token)) {
                throw new StrictJson.Malformed("each entry must be an object with a string \"token\"");
            }
            String type = m.get("type") instanceof String t && t.length() <= 128 ? t : "";
            out.add(new String[] {token, type});
        }
        return out;
    }

    private static String sha256Hex(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private Response problem(int status, String slug, String title, String detail) {
        return Response.status(status).type("application/problem+json").header("Cache-Control", "no-store")
                .entity(problems.body(status, slug, title, detail, Map.of())).build();
    }

    /** Builder for {@link GitHubSecretScanning}. */
    public static final class Builder {
        private final LeakReports reports;
        private URI keysUrl = GITHUB_KEYS;
        private HttpClient http;
        private Duration minRefetch = Duration.ofMinutes(1);
        private Clock clock = Clock.systemUTC();
        private ProblemRenderer problems = ProblemRenderer.ofDefaults();

        private Builder(LeakReports reports) {
            this.reports = Objects.requireNonNull(reports, "reports");
        }

        /** Where the signing keys are published (default {@link #GITHUB_KEYS}; a test or a mirror may set another). */
        public Builder keysUrl(URI url) {
            this.keysUrl = Objects.requireNonNull(url, "keysUrl");
            return this;
        }

        /** The client that fetches the keys (default: a new one with a 10 s connect timeout). */
        public Builder httpClient(HttpClient client) {
            this.http = Objects.requireNonNull(client, "httpClient");
            return this;
        }

        /** The shortest time between two fetches of the key list for unknown key ids (default 1 minute). */
        public Builder minRefetch(Duration interval) {
            this.minRefetch = Objects.requireNonNull(interval, "minRefetch");
            return this;
        }

        /** The clock the refetch interval is measured by. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The renderer of problem bodies, e.g. the verifier's {@code problems()}, so that types share one base. */
        public Builder problems(ProblemRenderer problems) {
            this.problems = Objects.requireNonNull(problems, "problems");
            return this;
        }

        /** The resource, to register with the application. */
        public GitHubSecretScanning build() {
            if (http == null) {
                http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            }
            return new GitHubSecretScanning(this);
        }
    }
}
