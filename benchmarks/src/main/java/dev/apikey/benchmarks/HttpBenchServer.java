package dev.apikey.benchmarks;

import dev.apikey.ApiKeyVerifier;
import dev.apikey.ClientThrottle;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.RateLimit;
import dev.apikey.RequiresScope;
import dev.apikey.ScopeRequirement;
import dev.apikey.VerifierBuilder;
import dev.apikey.jaxrs.ApiKeyFeature;
import dev.apikey.servlet.ApiKeyFilterConfig;
import dev.apikey.spi.AuditSink;
import dev.apikey.store.InMemoryKeyStore;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Supplier;

/**
 * The HTTP overhead benchmark's server: Jetty 12 on 127.0.0.1 serving one tiny endpoint, {@code GET /bench/hello},
 * either as a servlet from a real {@code web.xml} or as a Jersey resource, with or without our filter.
 * {@code with} issues one key (scope {@code bench:read}, rate limit {@code 1000000000/1s} so the limiter and its
 * headers run but never refuse) and writes it to KEYFILE; the endpoint requires {@code bench:read}.
 * Everything else is the library's defaults (logging audit sink, failure throttle).
 *
 * <p>Usage: {@code HttpBenchServer servlet|jersey with|without PORT KEYFILE}; also {@code servlet noop} (a pass-through
 * filter), {@code servlet no-headers} (the filter with the RateLimit headers turned off), {@code servlet timed} and
 * {@code timed-noop} (the filter, or a pass-through one, between two timing filters: see {@link FilterTimer}) and
 * {@code jersey feature-only|address-only}, for taking a difference apart; {@code servlet floor} and {@code jersey floor}
 * put the control filter of {@link Floor} (the least work any filter honouring the contract does) where ours goes;
 * {@code servlet shared} serves the servlet variants {@link #SHARED} side by side in one server, each under the context
 * path of its name ({@code /with/bench/hello}), so that they run the same JVM's compiled code; {@code jersey shared}
 * does the same for {@link #SHARED_JERSEY}. Prints "ready" when listening.
 */
public final class HttpBenchServer {
    private HttpBenchServer() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        // Each adapter's own variants only: another would start a server without the filter under its name.
        if (args.length != 4 || !(args[0].equals("servlet") && args[1].matches("with|without|noop|no-headers|timed|timed-noop|floor|shared")
                || args[0].equals("jersey") && args[1].matches("with|without|feature-only|address-only|floor|shared"))) {
            System.err.println("usage: HttpBenchServer servlet with|without|noop|no-headers|timed|timed-noop|floor|shared PORT KEYFILE");
            System.err.println("       HttpBenchServer jersey with|without|feature-only|address-only|floor|shared PORT KEYFILE");
            System.exit(2);
        }
        java.util.logging.Logger.getLogger("org.eclipse.jetty").setLevel(java.util.logging.Level.WARNING);
        boolean with = args[1].equals("with");
        InMemoryKeyStore store = new InMemoryKeyStore();
        KeyManager manager = KeyManager.builder(store).build();
        ApiKeyVerifier verifier = verifier(store, manager, !args[1].equals("no-headers"));
        // servlet shared serves no-headers beside with: the same filter over a verifier with the headers off.
        List<ApiKeyVerifier> verifiers = args[0].equals("servlet") && args[1].equals("shared")
                ? List.of(verifier, verifier(store, manager, false)) : List.of(verifier);
        String key = manager.issue(KeyRequest.builder().owner("bench").scopes("bench:read")
                .rateLimit("1000000000/1s").build()).key().reveal();
        Files.writeString(java.nio.file.Path.of(args[3]), key, StandardCharsets.US_ASCII);
        // The key is used once now, so that the last-used writer's second write, a minute after the first use,
        // falls in the warm-up rather than in the measured rounds: that write stores a new version of the record,
        // and the first time the verifier meets one (its cached principal then shows an older version) its
        // compiled code takes a branch it had never taken, is thrown away and compiled again, for seconds on the
        // server's one CPU (seen in -XX:+PrintCompilation at 62 s: afterLookup, principal, KeyDigest.equals
        // made not entrant). Used first by the warm-up, which starts after the other variant's, the key met that
        // minute inside the rounds. Once per server lifetime; nothing a long-running server notices.
        for (ApiKeyVerifier v : verifiers) {
            if (!v.verify(VerifyBenchmark.request(List.of(key), ScopeRequirement.all("bench:read"))).isAllowed()) {
                throw new IllegalStateException("the benchmark key was refused");
            }
        }
        Floor.admit(key);

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[2]));
        server.addConnector(connector);
        if (args[1].equals("shared")) {
            // The variants side by side in one server, each its own app under its own context path.
            ContextHandlerCollection apps = new ContextHandlerCollection();
            for (String variant : args[0].equals("servlet") ? SHARED : SHARED_JERSEY) {
                boolean noHeaders = variant.equals("no-headers");
                ApiKeyVerifier v = verifiers.get(noHeaders ? 1 : 0);
                apps.addHandler(args[0].equals("servlet") ? webapp("/" + variant, "bench-webapp-" + (noHeaders ? "with" : variant), v)
                        : jersey("/" + variant, variant, v));
            }
            server.setHandler(apps);
        } else if (args[0].equals("servlet")) {
            server.setHandler(webapp("/", "bench-webapp-" + (args[1].matches("noop|timed|timed-noop|floor") ? args[1]
                    : with || args[1].equals("no-headers") ? "with" : "without"), verifier));
        } else {
            server.setHandler(jersey("/", args[1], verifier));
        }
        server.start();
        System.out.println("ready " + args[0] + " " + args[1] + " on " + connector.getLocalPort());
        System.out.flush();
        server.join();
    }

    /** The variants {@code servlet shared} serves, each under the context path of its name. */
    static final List<String> SHARED = List.of("without", "with", "floor", "noop", "no-headers");
    /** The variants {@code jersey shared} serves. */
    static final List<String> SHARED_JERSEY = List.of("without", "with", "floor");

    /** The Jersey app of {@code variant} under {@code contextPath}. */
    private static ServletContextHandler jersey(String contextPath, String variant, ApiKeyVerifier verifier) {
        boolean with = variant.equals("with");
        ServletContextHandler context = new ServletContextHandler(contextPath);
        ResourceConfig app = new ResourceConfig(BenchResource.class).property(ServerProperties.WADL_FEATURE_DISABLE, true);
        // feature-only and address-only take the Jersey variant apart, to see which half costs what (and
        // servlet noop has a filter that does nothing).
        if (with || variant.equals("feature-only")) {
            app.register(new ApiKeyFeature(verifier));
        }
        if (variant.equals("floor")) {
            app.register(new Floor.JerseyFloorFeature());
        }
        if (with || variant.equals("address-only")) {
            Filter remoteAddress = (request, response, chain) -> {
                request.setAttribute(ApiKeyFeature.REMOTE_ADDRESS_PROPERTY, (Supplier<String>) request::getRemoteAddr);
                chain.doFilter(request, response);
            };
            context.addFilter(new FilterHolder(remoteAddress), "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        context.addServlet(new ServletHolder(new ServletContainer(app)), "/*");
        return context;
    }

    /**
     * The verifier of the benchmark's store: the library's defaults, with the RateLimit headers on or off.
     * {@code -Dbench.audit=none} and {@code -Dbench.throttle=off} turn two of those defaults off (the logging audit
     * sink, the failure throttle), to see what each costs a loaded server.
     */
    private static ApiKeyVerifier verifier(InMemoryKeyStore store, KeyManager manager, boolean headers) {
        VerifierBuilder builder = ApiKeyVerifier.builder(store).from(manager).rateLimitHeaders(headers);
        if ("none".equals(System.getProperty("bench.audit"))) {
            builder.auditSink(AuditSink.NONE);
        }
        if ("off".equals(System.getProperty("bench.throttle"))) {
            builder.clientThrottle(ClientThrottle.disabled());
        }
        return builder.build();
    }

    /**
     * The servlet app of {@code resource} (a {@code web.xml} on the class path) under {@code contextPath}. Its classes
     * come from the server's class loader, so that apps side by side in one server run the same compiled code.
     */
    private static WebAppContext webapp(String contextPath, String resource, ApiKeyVerifier verifier) {
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath(contextPath);
        webapp.setBaseResource(ResourceFactory.of(webapp).newClassLoaderResource(resource));
        webapp.setParentLoaderPriority(true);
        webapp.setAttribute(ApiKeyFilterConfig.VERIFIER_ATTRIBUTE, verifier);
        return webapp;
    }

    /**
     * A filter that only passes the request on ({@code servlet noop}): what having any filter costs in Jetty. With
     * {@code -Dbench.spinNanos=N} it first spins N ns on the request thread: a control for how much throughput a
     * filter costing that much CPU per request loses in this setup, whatever it does.
     */
    public static final class PassFilter implements Filter {
        private static final long SPIN_NANOS = Long.getLong("bench.spinNanos", 0);
        /** Written by the spin and the touch loop, so that each has a side effect the JIT cannot drop. */
        private static long spun;
        /**
         * With {@code -Dbench.touchKiB=N}: the filter reads one long per 64-byte line of an N KiB array of its own on
         * every request, a control for what a filter's data footprint costs the rest of the request (the caches it
         * takes from Jetty), apart from its own time.
         */
        private static final long[] TOUCH = new long[Integer.getInteger("bench.touchKiB", 0) * 128];
        /**
         * With {@code -Dbench.servletCalls=true}: the Servlet API calls our filter makes on an allowed request
         * (path and URI getters, the two header lookups, the peer address, two response headers, a request
         * attribute, a request wrapper) with none of its own work: what those calls cost in Jetty. A
         * comma-separated subset of {@code path,headers,address,response,attribute,wrapper} makes only those.
         */
        private static final java.util.Set<String> SERVLET_CALLS = servletCalls(System.getProperty("bench.servletCalls", ""));

        private static java.util.Set<String> servletCalls(String spec) {
            java.util.Set<String> all = java.util.Set.of("path", "headers", "address", "response", "attribute", "wrapper");
            if (spec.equals("true")) {
                return all;
            }
            java.util.Set<String> calls = spec.isEmpty() ? java.util.Set.of() : java.util.Set.of(spec.split(","));
            if (!all.containsAll(calls)) {
                throw new IllegalArgumentException("bench.servletCalls: true or a subset of " + all + ", got " + spec);
            }
            return calls;
        }

        @Override
        public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response,
                             jakarta.servlet.FilterChain chain) throws IOException, jakarta.servlet.ServletException {
            if (SPIN_NANOS > 0) {
                // A plain busy loop: with Thread.onSpinWait() (PAUSE) in it, this VM took the CPU away during
                // the spin, and a profile of the server found 0.36 us of CPU per request for 1000 ns spun and
                // 0.84 us for 2500 ns.
                long end = System.nanoTime() + SPIN_NANOS;
                while (System.nanoTime() < end) {
                    spun++;
                }
            }
            if (TOUCH.length > 0) {
                long sum = 0;
                for (int i = 0; i < TOUCH.length; i += 8) {
                    sum += TOUCH[i];
                }
                spun += sum;
            }
            if (!SERVLET_CALLS.isEmpty()) {
                HttpServletRequest http = (HttpServletRequest) request;
                HttpServletResponse res = (HttpServletResponse) response;
                int sink = 0;
                if (SERVLET_CALLS.contains("path")) {
                    sink += http.getServletPath().length() + (http.getPathInfo() == null ? 0 : 1)
                            + http.getRequestURI().length() + http.getMethod().length();
                }
                if (SERVLET_CALLS.contains("address")) {
                    sink += http.getRemoteAddr().length();
                }
                if (SERVLET_CALLS.contains("headers")) {
                    for (String name : new String[] {"X-API-Key", "Authorization"}) {
                        java.util.Enumeration<String> e = http.getHeaders(name);
                        while (e.hasMoreElements()) {
                            sink += e.nextElement().length();
                        }
                    }
                }
                if (SERVLET_CALLS.contains("response")) {
                    res.addHeader("RateLimit-Policy", "\"default\";q=1000000000;w=1");
                    res.addHeader("RateLimit", "\"default\";r=999999999;t=1");
                }
                if (SERVLET_CALLS.contains("attribute")) {
                    http.setAttribute("dev.apikey.principal", sink);
                }
                if (SERVLET_CALLS.contains("wrapper")) {
                    request = new jakarta.servlet.http.HttpServletRequestWrapper(http);
                }
            }
            chain.doFilter(request, response);
        }
    }

    /** The servlet: a fixed short text. */
    public static final class BenchServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().write("hello");
        }
    }

    /** The Jersey resource: the same fixed short text. */
    @Path("bench")
    public static final class BenchResource {
        /** The endpoint. */
        @GET
        @Path("hello")
        @Produces("text/plain")
        @RequiresScope("bench:read")
        public String hello() {
            return "hello";
        }
    }
}
