package dev.apikey.jaxrs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A real Jetty 12.1 (ee11) with Jersey 4 servlets on 127.0.0.1 and an ephemeral port, and a
 * {@link HttpClient} to talk to it. A servlet filter hands the connection's peer address to the feature
 * through {@link ApiKeyFeature#REMOTE_ADDRESS_PROPERTY}, as a supplier, as the feature's documentation suggests
 * (and counts in {@link #ADDRESS_READS} how often it is asked).
 */
public final class JerseyServer implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    /** How many times the feature has asked the servlet filter's supplier for a peer address, in any server. */
    public static final AtomicInteger ADDRESS_READS = new AtomicInteger();

    private final Server server;
    private final URI base;
    private final HttpClient client = HttpClient.newHttpClient();

    private JerseyServer(Server server, URI base) {
        this.server = server;
        this.base = base;
    }

    /** One Jersey application at the root. */
    public static JerseyServer start(ResourceConfig app) {
        return start(Map.of("", app));
    }

    /** Several Jersey applications, each under its own path prefix ("" for the root). */
    public static JerseyServer start(Map<String, ResourceConfig> apps) {
        Server server = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        Filter remoteAddress = (request, response, chain) -> {
            request.setAttribute(ApiKeyFeature.REMOTE_ADDRESS_PROPERTY, (Supplier<String>) () -> {
                ADDRESS_READS.incrementAndGet();
                return request.getRemoteAddr();
            });
            chain.doFilter(request, response);
        };
        context.addFilter(new FilterHolder(remoteAddress), "/*", EnumSet.of(DispatcherType.REQUEST));
        apps.forEach((prefix, app) -> {
            app.property(ServerProperties.WADL_FEATURE_DISABLE, true);
            ServletHolder holder = new ServletHolder(new ServletContainer(app));
            holder.setInitOrder(1);
            context.addServlet(holder, prefix + "/*");
        });
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("server did not start", e);
        }
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        return new JerseyServer(server, URI.create("http://127.0.0.1:" + port));
    }

    /** GET with header name/value pairs. */
    public HttpResponse<String> get(String path, String... headers) {
        return send(request(path, headers).GET());
    }

    /** POST of a JSON body (or none when {@code json} is null) with header name/value pairs. */
    public HttpResponse<String> post(String path, String json, String... headers) {
        HttpRequest.Builder b = request(path, headers);
        if (json == null) {
            return send(b.POST(HttpRequest.BodyPublishers.noBody()));
        }
        return send(b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** PATCH of a JSON body with header name/value pairs. */
    public HttpResponse<String> patch(String path, String json, String... headers) {
        return send(request(path, headers).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    private HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return dev.apikey.spi.HttpSend.send(client, b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The body parsed as JSON. */
    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
