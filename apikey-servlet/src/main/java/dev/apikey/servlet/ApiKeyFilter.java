package dev.apikey.servlet;

import dev.apikey.AccessRequest;
import dev.apikey.ApiKeyPrincipal;
import dev.apikey.ApiKeyVerifier;
import dev.apikey.Decision;
import dev.apikey.HttpHeader;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.spi.KeyStore;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * API-key access control as a servlet filter. It makes no decision of its own: it turns the request into an
 * {@link AccessRequest} (with the scopes {@link PathRules} require for its method and path), calls
 * {@link ApiKeyVerifier#verify} once, and writes the {@link Decision} back.
 *
 * <p>Zero-code use: declare it in {@code web.xml} with the init-params of {@link ApiKeyFilterConfig}.
 * Programmatic use: {@link #ApiKeyFilter(ApiKeyVerifier, PathRules)}, or put a verifier (and rules) in the
 * {@code ServletContext} attributes {@link ApiKeyFilterConfig#VERIFIER_ATTRIBUTE} and
 * {@link ApiKeyFilterConfig#RULES_ATTRIBUTE} before the filter starts.
 *
 * <p>Allowed requests continue wrapped: {@code getUserPrincipal()} is the {@link ApiKeyPrincipal},
 * {@code isUserInRole(scope)} answers with scope semantics, {@code getAuthType()} is
 * {@value ApiKeyPrincipal#AUTH_TYPE}, and the principal is the request attribute
 * {@link ApiKeyPrincipal#REQUEST_ATTRIBUTE}. Their responses carry {@code Cache-Control: private, no-store}
 * unless the application sets its own, and {@code Vary} naming the key header (see {@link CacheHeadersResponse};
 * init-params {@link ApiKeyFilterConfig#PRIVATE_CACHE_CONTROL}, {@link ApiKeyFilterConfig#VARY_ON_KEY_HEADER}).
 * Rejections are written exactly as core rendered them.
 *
 * <p>Rules match the container-normalised path (servlet path + path info). A request whose raw URI could
 * match differently than that path (encoded {@code /}, {@code .}, {@code \}, {@code ;} or {@code %}, dot segments,
 * path parameters, empty segments) is rejected with 400 before any key is looked at.
 */
public class ApiKeyFilter implements Filter {
    private ApiKeyVerifier verifier;
    private PathRules rules;
    private final boolean programmatic;
    private boolean ownsVerifier;
    private boolean hideCredential;

    /** For {@code web.xml}: configured from init-params or {@code ServletContext} attributes in {@link #init}. */
    public ApiKeyFilter() {
        this.programmatic = false;
    }

    /**
     * A filter over a configured verifier. Its init-params may then only set
     * {@link ApiKeyFilterConfig#HIDE_CREDENTIAL}. The caller owns (and closes) the verifier.
     */
    public ApiKeyFilter(ApiKeyVerifier verifier, PathRules rules) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.programmatic = true;
    }

    /**
     * Reads the configuration.
     *
     * @throws ServletException naming the init-param or attribute that is wrong
     */
    @Override
    public void init(FilterConfig config) throws ServletException {
        try {
            InitParams params = new InitParams(InitParams.of(config.getInitParameterNames(), config::getInitParameter));
            hideCredential = params.hideCredential();
            if (programmatic) {
                refuse(params, InitParams.VERIFIER, "the filter was constructed with a verifier");
                refuse(params, InitParams.RULES, "the filter was constructed with rules");
                return;
            }
            ServletContext context = config.getServletContext();
            // Rules first: a verifier built from init-params is only created once nothing else can fail.
            Object r = context.getAttribute(ApiKeyFilterConfig.RULES_ATTRIBUTE);
            if (r != null) {
                refuse(params, InitParams.RULES, "ServletContext attribute " + ApiKeyFilterConfig.RULES_ATTRIBUTE + " is set");
                rules = attribute(r, PathRules.class, ApiKeyFilterConfig.RULES_ATTRIBUTE);
            } else {
                rules = params.rules();
            }
            Object v = context.getAttribute(ApiKeyFilterConfig.VERIFIER_ATTRIBUTE);
            if (v != null) {
                refuse(params, InitParams.VERIFIER, "ServletContext attribute " + ApiKeyFilterConfig.VERIFIER_ATTRIBUTE + " is set");
                if (context.getAttribute(ApiKeyFilterConfig.STORE_ATTRIBUTE) != null) {
                    throw new InvalidConfigurationException("ServletContext attributes " + ApiKeyFilterConfig.VERIFIER_ATTRIBUTE
                            + " and " + ApiKeyFilterConfig.STORE_ATTRIBUTE + " are both set; the verifier already has a store");
                }
                verifier = attribute(v, ApiKeyVerifier.class, ApiKeyFilterConfig.VERIFIER_ATTRIBUTE);
            } else {
                KeyStore store = attribute(context.getAttribute(ApiKeyFilterConfig.STORE_ATTRIBUTE), KeyStore.class,
                        ApiKeyFilterConfig.STORE_ATTRIBUTE);
                verifier = params.verifier(store);
                ownsVerifier = true;
            }
        } catch (InvalidConfigurationException e) {
            throw new ServletException("ApiKeyFilter '" + config.getFilterName() + "': " + e.getMessage(), e);
        }
    }

    private static void refuse(InitParams params, java.util.Set<String> names, String because) {
        List<String> present = params.present(names);
        if (!present.isEmpty()) {
            throw new InvalidConfigurationException("init-params " + present + " cannot be used: " + because);
        }
    }

    private static <T> T attribute(Object value, Class<T> type, String name) {
        if (value == null || type.isInstance(value)) {
            return type.cast(value);
        }
        throw new InvalidConfigurationException("ServletContext attribute " + name + " must be a " + type.getName()
                + ", got a " + value.getClass().getName());
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            throw new ServletException("ApiKeyFilter handles only HTTP requests");
        }
        String uri = request.getRequestURI();
        String path = normalisedPath(request);
        if (isAmbiguous(uri, true) || !isTail(path, uri) && isAmbiguous(path, false)) {
            // The raw URI, escaped by the audit line, is what an investigator needs to see here.
            write(verifier.rejectInvalidPath(AccessRequest.builder()
                    .adapter(AccessRequest.SERVLET)
                    .headers(name -> values(request.getHeaders(name)))
                    .remoteAddress(request.getRemoteAddr())
                    .method(request.getMethod())
                    .path(uri)
                    .build()), response);
            return;
        }
        String method = request.getMethod();
        PathRules.Access access = rules.accessFor(method, path);
        if (access.isPublic()) {
            chain.doFilter(request, response);
            return;
        }
        Reader reader = new Reader(request);
        Decision d = verifier.verify(AccessRequest.builder()
                .adapter(AccessRequest.SERVLET)
                .headers(reader)
                .queryParameters(name -> queryValues(request.getQueryString(), name))
                .remoteAddressFrom(reader)
                .secure(request.isSecure())
                .method(method)
                .path(path)
                .requirement(access.requirement())
                .build());
        if (!d.isAllowed()) {
            write(d, response);
            return;
        }
        for (HttpHeader h : d.headers()) {
            response.addHeader(h.name(), h.value());
        }
        ApiKeyPrincipal principal = d.principal();
        request.setAttribute(ApiKeyPrincipal.REQUEST_ATTRIBUTE, principal);
        chain.doFilter(new ApiKeyRequest(request, principal, hideCredential ? verifier.headerName() : null),
                CacheHeadersResponse.of(response, d));
    }

    /** The path rules match: servlet path + path info, as the container decoded and normalised it. */
    private static String normalisedPath(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        // Concatenate only when both parts are there (a String per request otherwise).
        String p = pathInfo == null ? (servletPath == null ? "" : servletPath)
                : servletPath == null || servletPath.isEmpty() ? pathInfo : servletPath + pathInfo;
        return p.isEmpty() ? "/" : p;
    }

    /**
     * True if {@code path} is the end of {@code uri} and starts with {@code /}: every char of the path is then in
     * the raw URI, in the same order and starting at a segment boundary, so whatever {@link #isAmbiguous} finds in
     * the path (controls, {@code \}, {@code ;}, {@code //}, dot segments) it has found in the raw URI already,
     * and the path needs no scan of its own, whatever the container decoded or normalised to get it.
     */
    static boolean isTail(String path, String uri) {
        return uri != null && path.startsWith("/") && uri.endsWith(path);
    }

    /**
     * True if {@code path} holds something containers decode or normalise differently from each other, or
     * from how the rules read it: empty segments, dot segments, backslashes, path parameters, controls, and in
     * the raw URI, encoded separators, dots, semicolons and percent signs (double encoding).
     */
    static boolean isAmbiguous(String path, boolean raw) {
        if (path == null) {
            return false;
        }
        // One look-up per char instead of seven compares: nearly every char of a path is PLAIN, so the loop is a
        // load and one branch that goes the same way almost every time.
        int n = path.length();
        for (int i = 0; i < n; i++) {
            char c = path.charAt(i);
            int kind = c < KIND.length ? KIND[c] : PLAIN;
            if (kind == PLAIN) {
                continue;
            }
            if (kind == REFUSED) {
                return true;
            }
            if (kind == SLASH) {
                if (i + 1 < n && path.charAt(i + 1) == '/') {
                    return true;
                }
            } else if (kind == PERCENT) {
                if (raw && i + 2 < n) {
                    char h = Character.toLowerCase(path.charAt(i + 1));
                    char l = Character.toLowerCase(path.charAt(i + 2));
                    if ((h == '2' && (l == 'f' || l == 'e' || l == '5')) || (h == '5' && l == 'c') || (h == '3' && l == 'b')
                            || h < '2') {
                        return true;
                    }
                }
            } else if (kind == DOT && (i == 0 || path.charAt(i - 1) == '/')) {
                // A dot segment ("." or ".." between slashes or at either end), found in the same pass.
                int end = i + 1 < n && path.charAt(i + 1) == '.' ? i + 2 : i + 1;
                if (end == n || path.charAt(end) == '/') {
                    return true;
                }
            }
        }
        return false;
    }

    private static final byte PLAIN = 0;
    /** A control char, DEL, a backslash or a semicolon: ambiguous wherever it is. */
    private static final byte REFUSED = 1;
    private static final byte SLASH = 2;
    private static final byte PERCENT = 3;
    private static final byte DOT = 4;
    /** What {@link #isAmbiguous} looks for at each ASCII char; every other char is {@link #PLAIN}. */
    private static final byte[] KIND = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            KIND[c] = REFUSED;
        }
        KIND[0x7f] = REFUSED;
        KIND['\\'] = REFUSED;
        KIND[';'] = REFUSED;
        KIND['/'] = SLASH;
        KIND['%'] = PERCENT;
        KIND['.'] = DOT;
    }

    /** Writes a rejection as core rendered it: status, every header, problem+json body. */
    private static void write(Decision d, HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(d.status());
        for (HttpHeader h : d.headers()) {
            response.addHeader(h.name(), h.value());
        }
        byte[] body = d.body().getBytes(StandardCharsets.UTF_8);
        response.setContentType(Decision.CONTENT_TYPE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * The values of one header. Nearly every header has no value or one, so those cases take no list copy
     * (Collections.list built an ArrayList per lookup, three lookups per request).
     */
    private static List<String> values(Enumeration<String> e) {
        if (e == null || !e.hasMoreElements()) {
            return List.of();
        }
        String first = e.nextElement();
        if (!e.hasMoreElements()) {
            return first == null ? List.of() : List.of(first);
        }
        List<String> out = new ArrayList<>(4);
        out.add(first);
        while (e.hasMoreElements()) {
            out.add(e.nextElement());
        }
        return out;
    }

    /** The request's headers ({@link #values}) and its peer's address, as the verifier asks for them. */
    private static final class Reader implements AccessRequest.Values, Supplier<String> {
        private final HttpServletRequest request;

        Reader(HttpServletRequest request) {
            this.request = request;
        }

        @Override
        public List<String> get(String name) {
            return values(request.getHeaders(name));
        }

        @Override
        public String get() {
            return request.getRemoteAddr();
        }
    }

    /** Values of a query parameter, read from the query string so that a form body is never consumed. */
    private static List<String> queryValues(String query, String name) {
        if (query == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(1);
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String n = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (name.equals(n)) {
                out.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // Undecodable: keep it as sent; it then fails the key format check like any malformed key.
            return s;
        }
    }

    /** Closes the verifier if this filter built it from init-params. */
    @Override
    public void destroy() {
        if (ownsVerifier && verifier != null) {
            verifier.close();
        }
    }

    @Override
    public String toString() {
        return "ApiKeyFilter[" + verifier + ", " + rules + "]";
    }
}
