package dev.apikey.servlet;

import dev.apikey.Decision;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.util.ArrayList;
import java.util.List;

/**
 * The response an allowed request continues with: it carries the cache headers core asked for
 * ({@link Decision#cacheControl()}, {@link Decision#vary}) from the start, and lets the application replace them.
 *
 * <p>They are set before the application runs because after it they may no longer be settable: once the
 * application has written more than the buffer holds, or flushed, the response is committed and its headers
 * are gone, so a filter that looked after {@code chain.doFilter} would miss exactly the large and streamed
 * answers. This wrapper then makes "unless the application sets its own" hold whichever way it writes them:
 * <ul>
 *   <li>{@code Cache-Control}: {@code setHeader} replaces ours, as it would anyway; the first {@code addHeader}
 *       replaces ours too, instead of adding a second line (a cache combines them, and {@code no-store} would
 *       silently win over the application's choice);</li>
 *   <li>{@code Vary}: {@code setHeader} keeps the key header, after the application's values;</li>
 *   <li>{@code reset()} clears every header: ours are set again.</li>
 * </ul>
 * An application that writes through the unwrapped response (a no-argument {@code startAsync()} hands that out)
 * still has ours from the start; only its {@code addHeader("Cache-Control", ...)} then adds a second line.
 */
final class CacheHeadersResponse extends HttpServletResponseWrapper {
    private static final String CACHE_CONTROL = "Cache-Control";
    private static final String VARY = "Vary";

    private final Decision decision;
    /** True while the {@code Cache-Control} on the response is ours. */
    private boolean ours;

    private CacheHeadersResponse(HttpServletResponse response, Decision decision) {
        super(response);
        this.decision = decision;
    }

    /** {@code response} with the cache headers of the allowed {@code decision}, or {@code response} itself when it asks for none. */
    static HttpServletResponse of(HttpServletResponse response, Decision decision) {
        if (decision.cacheControl() == null && decision.vary(List.of()) == null) {
            return response;
        }
        CacheHeadersResponse wrapped = new CacheHeadersResponse(response, decision);
        wrapped.apply();
        return wrapped;
    }

    private void apply() {
        HttpServletResponse response = (HttpServletResponse) getResponse();
        String cacheControl = decision.cacheControl();
        // An earlier filter's Cache-Control is the application's too.
        if (cacheControl != null && !response.containsHeader(CACHE_CONTROL)) {
            response.setHeader(CACHE_CONTROL, cacheControl);
            ours = true;
        }
        String vary = decision.vary(response.containsHeader(VARY) ? new ArrayList<>(response.getHeaders(VARY)) : List.of());
        if (vary != null) {
            response.setHeader(VARY, vary);
        }
    }

    @Override
    public void setHeader(String name, String value) {
        if (CACHE_CONTROL.equalsIgnoreCase(name)) {
            ours = false;
        } else if (VARY.equalsIgnoreCase(name) && value != null) {
            String merged = decision.vary(List.of(value));
            super.setHeader(name, merged != null ? merged : value);
            return;
        }
        super.setHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        if (ours && CACHE_CONTROL.equalsIgnoreCase(name)) {
            ours = false;
            super.setHeader(name, value);
            return;
        }
        super.addHeader(name, value);
    }

    @Override
    public void reset() {
        super.reset();
        ours = false;
        apply();
    }
}
