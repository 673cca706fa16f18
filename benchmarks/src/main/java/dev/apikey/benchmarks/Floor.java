package dev.apikey.benchmarks;

import dev.apikey.ApiKeyPrincipal;
import dev.apikey.KeyDigest;
import dev.apikey.KeyHasher;
import jakarta.annotation.Priority;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.SecurityContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A control for the HTTP overhead targets: the least work any filter honouring the contract of DESIGN.md must do
 * per allowed request, with none of the checks that make it safe ({@code servlet floor}, {@code jersey floor}).
 * It reads the key from both header sources, takes one SHA-256 of it, finds the digest in a hash map, reads the
 * clock and counts the request against a limit (one atomic add), builds the {@code RateLimit} value and writes the
 * two RateLimit headers, and hands on the principal (request attribute and wrapper in a servlet app; security
 * context and request property in Jersey). No format check, no CRC, no status, expiry or scope check, no audit.
 * What it costs against the same server without a filter bounds what our filter can reach here: if this loses 5%
 * of the throughput, any complete implementation does. Never use it for anything else: it admits any request
 * whose header holds the key and refuses others with a bare 401.
 */
public final class Floor {
    private Floor() {
    }

    /** Digest of the one valid key → its principal; filled by {@link #admit} before the server starts. */
    private static final Map<KeyDigest, Principal> KEYS = new ConcurrentHashMap<>();
    /** The library's plain SHA-256 hasher (one per-thread {@code MessageDigest}), without the verifier around it. */
    private static final KeyHasher HASHER = KeyHasher.sha256();
    private static final AtomicLong USED = new AtomicLong();
    private static final long LIMIT = 1_000_000_000L;
    private static final String NAME = "\"" + LIMIT + "-per-1s\"";
    // The same values, byte for byte, as our filter sends for the benchmark key.
    private static final String POLICY = NAME + ";q=" + LIMIT + ";w=1";
    /**
     * {@code -Dbench.floorHeaders=false} leaves the two RateLimit headers out (the count and the value are still
     * made), to see what the headers alone cost; our filter's counterpart is {@code servlet no-headers}.
     */
    private static final boolean HEADERS_ON = !"false".equals(System.getProperty("bench.floorHeaders"));

    /** Makes {@code key} the key the floor filters admit. */
    static void admit(String key) {
        KEYS.put(digest(key), () -> "bench");
    }

    private static KeyDigest digest(String key) {
        return HASHER.digestAt(0, key.getBytes(StandardCharsets.US_ASCII));
    }

    /** The principal of the key in {@code apiKey} or {@code authorization} ("Bearer KEY"), or null. */
    private static Principal find(String apiKey, String authorization) {
        String key = apiKey != null ? apiKey
                : authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
        return key == null ? null : KEYS.get(digest(key));
    }

    /** The RateLimit value after one more request, with the window's remaining seconds (always 1 here). */
    private static String rateLimit() {
        long used = USED.incrementAndGet();
        long remaining = LIMIT - used % LIMIT;
        // Seconds until the 1 s window ends, rounded up: always 1, but read from the clock as a limiter must.
        long reset = (999 - System.currentTimeMillis() % 1000) / 1000 + 1;
        return NAME + ";r=" + remaining + ";t=" + reset;
    }

    private static String first(java.util.Enumeration<String> values) {
        String first = null;
        while (values.hasMoreElements()) {
            String v = values.nextElement();
            if (first == null) {
                first = v;
            }
        }
        return first;
    }

    /** The servlet filter ({@code web.xml} of {@code bench-webapp-floor}). */
    public static final class ServletFloor implements Filter {
        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
            HttpServletRequest request = (HttpServletRequest) req;
            HttpServletResponse response = (HttpServletResponse) res;
            Principal principal = find(first(request.getHeaders("X-API-Key")), first(request.getHeaders("Authorization")));
            if (principal == null) {
                response.sendError(401);
                return;
            }
            String rateLimit = rateLimit();
            if (HEADERS_ON) {
                response.addHeader("RateLimit-Policy", POLICY);
                response.addHeader("RateLimit", rateLimit);
            }
            request.setAttribute(ApiKeyPrincipal.REQUEST_ATTRIBUTE, principal);
            chain.doFilter(new HttpServletRequestWrapper(request) {
                @Override
                public Principal getUserPrincipal() {
                    return principal;
                }
            }, response);
        }
    }

    /** The Jersey feature: binds {@link JerseyFloor} to every resource method, as {@code ApiKeyFeature} does. */
    public static final class JerseyFloorFeature implements DynamicFeature {
        @Override
        public void configure(ResourceInfo resourceInfo, FeatureContext context) {
            context.register(new JerseyFloor());
        }
    }

    @Priority(Priorities.AUTHENTICATION)
    static final class JerseyFloor implements ContainerRequestFilter, ContainerResponseFilter {
        private static final String HEADERS = "bench.floor.headers";

        @Override
        public void filter(ContainerRequestContext request) {
            MultivaluedMap<String, String> headers = request.getHeaders();
            List<String> apiKey = headers.get("X-API-Key");
            List<String> authorization = headers.get("Authorization");
            Principal principal = find(apiKey == null || apiKey.isEmpty() ? null : apiKey.get(0),
                    authorization == null || authorization.isEmpty() ? null : authorization.get(0));
            if (principal == null) {
                request.abortWith(jakarta.ws.rs.core.Response.status(401).build());
                return;
            }
            boolean secure = request.getSecurityContext().isSecure();
            request.setSecurityContext(new SecurityContext() {
                @Override
                public Principal getUserPrincipal() {
                    return principal;
                }

                @Override
                public boolean isUserInRole(String role) {
                    return false;
                }

                @Override
                public boolean isSecure() {
                    return secure;
                }

                @Override
                public String getAuthenticationScheme() {
                    return "API-Key";
                }
            });
            request.setProperty(ApiKeyPrincipal.REQUEST_ATTRIBUTE, principal);
            request.setProperty(HEADERS, rateLimit());
        }

        @Override
        public void filter(ContainerRequestContext request, ContainerResponseContext response) {
            if (HEADERS_ON && request.getProperty(HEADERS) instanceof String value) {
                MultivaluedMap<String, Object> out = response.getHeaders();
                out.add("RateLimit-Policy", POLICY);
                out.add("RateLimit", value);
            }
        }
    }
}
