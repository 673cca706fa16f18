package dev.apikey.servlet;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.KeyDigest;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyRequest;
import dev.apikey.RateLimit;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.StoreUnavailableException;
import dev.apikey.store.InMemoryKeyStore;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A real Jetty 12 (ee11) on 127.0.0.1, port 0, serving:
 * <ul>
 *   <li>{@code /}: the web application of {@code src/test/resources/webapp/WEB-INF/web.xml}; its filter
 *       shares {@link #store} through {@link ApiKeyFilterConfig#STORE_ATTRIBUTE};</li>
 *   <li>{@code /down}: a filter that finds its verifier in {@link ApiKeyFilterConfig#VERIFIER_ATTRIBUTE},
 *       over a store that is unreachable;</li>
 *   <li>{@code /throttled}: a filter built in code over {@link #store}, whose client throttle allows two failures;</li>
 *   <li>{@code /nocache}: a filter from init-params over {@link #store} that adds no cache headers to allowed
 *       responses.</li>
 * </ul>
 * The connector accepts ambiguous URIs (and the servlet handlers decode them) so that bypass attempts reach
 * the filter instead of being stopped by Jetty: the filter must hold on containers that are less strict.
 */
final class TestServer implements AutoCloseable {
    final InMemoryKeyStore store = new InMemoryKeyStore();
    final KeyManager keys = KeyManager.builder(store).build();
    private final ApiKeyVerifier downVerifier = ApiKeyVerifier.builder(new UnavailableStore()).build();
    private final ApiKeyVerifier throttledVerifier = ApiKeyVerifier.builder(store)
            .clientThrottle(new ClientThrottle(true, RateLimit.parse("2/1h"), 100, List.of())).build();
    private final Server server = new Server();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    TestServer() throws Exception {
        HttpConfiguration http = new HttpConfiguration();
        http.setUriCompliance(UriCompliance.UNSAFE);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        WebAppContext app = new WebAppContext(webappDir().toString(), "/");
        app.setParentLoaderPriority(true);
        app.setAttribute(ApiKeyFilterConfig.STORE_ATTRIBUTE, store);
        app.getServletHandler().setDecodeAmbiguousURIs(true);

        ServletContextHandler down = new ServletContextHandler("/down");
        down.setAttribute(ApiKeyFilterConfig.VERIFIER_ATTRIBUTE, downVerifier);
        down.addFilter(ApiKeyFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST));
        down.addServlet(EchoServlet.class, "/*");

        ServletContextHandler throttled = new ServletContextHandler("/throttled");
        throttled.addFilter(new FilterHolder(new ApiKeyFilter(throttledVerifier, PathRules.none())), "/*",
                EnumSet.of(DispatcherType.REQUEST));
        throttled.addServlet(EchoServlet.class, "/*");

        // Configured from init-params like web.xml's, with the cache headers of allowed responses turned off.
        ServletContextHandler noCache = new ServletContextHandler("/nocache");
        noCache.setAttribute(ApiKeyFilterConfig.STORE_ATTRIBUTE, store);
        FilterHolder noCacheFilter = new FilterHolder(ApiKeyFilter.class);
        noCacheFilter.setInitParameter(ApiKeyFilterConfig.PRIVATE_CACHE_CONTROL, "false");
        noCacheFilter.setInitParameter(ApiKeyFilterConfig.VARY_ON_KEY_HEADER, "false");
        noCache.addFilter(noCacheFilter, "/*", EnumSet.of(DispatcherType.REQUEST));
        noCache.addServlet(EchoServlet.class, "/*");

        server.setHandler(new ContextHandlerCollection(app, down, throttled, noCache));
        server.start();
        port = connector.getLocalPort();
    }

    private static Path webappDir() throws URISyntaxException {
        return Path.of(TestServer.class.getResource("/webapp/WEB-INF/web.xml").toURI()).getParent().getParent();
    }

    /** Issues a key through the same store the web.xml filter reads; returns the plaintext. */
    String issue(KeyRequest.Builder request) {
        return keys.issue(request.build()).key().reveal();
    }

    /** A key with these scopes. */
    String keyWith(String... scopes) {
        return issue(KeyRequest.builder().owner("team-a").scopes(scopes));
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** A GET with these header name/value pairs. */
    Response get(String path, String... headers) {
        return send("GET", path, headers);
    }

    Response send(String method, String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = dev.apikey.spi.HttpSend.send(client, b.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, List<String>> h = new LinkedHashMap<>();
            r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
            return new Response(r.statusCode(), h, r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a request byte for byte, for what {@link HttpClient} refuses to send (raw paths, control
     * characters in headers). Header lines are written as given.
     */
    Response raw(String method, String rawTarget, String... headerLines) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder(method + " " + rawTarget + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n");
            for (String line : headerLines) {
                req.append(line).append("\r\n");
            }
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return parse(s.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Response parse(byte[] bytes) {
        String all = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        String[] lines = all.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            h.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        String body = new String(bytes, end + 4, bytes.length - end - 4, StandardCharsets.UTF_8);
        return new Response(status, h, body);
    }

    @Override
    public void close() throws Exception {
        server.stop();
        downVerifier.close();
        throttledVerifier.close();
    }

    /** A response: status, headers by lower-case name, body. */
    record Response(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        List<String> headers(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        /** The problem+json body as a map. */
        Map<String, Object> problem() {
            try {
                return JSON.std.mapFrom(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        /** The echo servlet's {@code name=value} lines. */
        Map<String, String> echo() {
            Map<String, String> m = new LinkedHashMap<>();
            for (String line : body.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    m.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            return m;
        }
    }

    /** A store that cannot be reached. */
    static final class UnavailableStore implements KeyStore {
        @Override
        public Optional<KeyRecord> findByDigest(KeyDigest digest) {
            throw new StoreUnavailableException("store at db.internal:5432 refused the connection");
        }

        @Override
        public Optional<KeyRecord> findById(String id) {
            throw new StoreUnavailableException("store at db.internal:5432 refused the connection");
        }

        @Override
        public KeyRecord create(KeyRecord record) {
            throw new StoreUnavailableException("store at db.internal:5432 refused the connection");
        }

        @Override
        public KeyRecord update(KeyRecord record) {
            throw new StoreUnavailableException("store at db.internal:5432 refused the connection");
        }

        @Override
        public void recordUse(String id, Instant at) {
            throw new StoreUnavailableException("store at db.internal:5432 refused the connection");
        }

        @Override
        public List<KeyRecord> list(KeyQuery query) {
            throw new StoreUnavailableException("store at db.internal:5432 refused the connection");
        }
    }
}
