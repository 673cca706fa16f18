package dev.apikey.internal;

import java.util.List;

/**
 * The cache headers of an allowed response, which depends on the credential it was sent with: RFC 9111 keeps
 * shared caches from reusing an answer to a request with {@code Authorization}, but knows nothing of a key
 * header such as {@code X-API-Key}, so without these a proxy or CDN could serve one client's answer to another.
 *
 * <ul>
 *   <li>{@code Cache-Control: private, no-store} unless the application sets a {@code Cache-Control} of its own
 *       (it then decides, and should say {@code private} if the answer is per client);</li>
 *   <li>{@code Vary} naming the key header, added to whatever the application's {@code Vary} lists, so that a
 *       cache the application does allow keys what it stores on the credential.</li>
 * </ul>
 * Immutable. Either part can be off.
 */
public final class CacheHeaders {
    /** The {@code Cache-Control} value of an allowed response whose application sets none. */
    public static final String PRIVATE_NO_STORE = "private, no-store";

    private final String cacheControl;
    private final String varyOn;

    /**
     * @param cacheControl whether to ask for {@value #PRIVATE_NO_STORE}
     * @param varyOn       the header to name in {@code Vary}, or {@code null} for none
     */
    public CacheHeaders(boolean cacheControl, String varyOn) {
        this.cacheControl = cacheControl ? PRIVATE_NO_STORE : null;
        this.varyOn = varyOn;
    }

    /** The header {@code Vary} names, or {@code null} when off. */
    public String varyOn() {
        return varyOn;
    }

    /** {@value #PRIVATE_NO_STORE}, or {@code null} when off. */
    public String cacheControl() {
        return cacheControl;
    }

    /**
     * The {@code Vary} value for a response that carries {@code present} (its {@code Vary} values so far, possibly
     * none): those values and the key header; or {@code null} when nothing needs to change (off, the key header is
     * listed already, or {@code *} says the response varies on everything).
     */
    public String vary(List<String> present) {
        return vary(varyOn, present);
    }

    /** {@link #vary(List)} of a configuration whose key header is {@code varyOn} ({@code null}: off). */
    public static String vary(String varyOn, List<String> present) {
        if (varyOn == null) {
            return null;
        }
        if (present == null || present.isEmpty()) {
            return varyOn;
        }
        StringBuilder merged = new StringBuilder();
        for (String value : present) {
            if (value == null) {
                continue;
            }
            for (String name : value.split(",")) {
                String n = name.trim();
                if (n.equals("*") || n.equalsIgnoreCase(varyOn)) {
                    return null;
                }
                if (!n.isEmpty()) {
                    merged.append(n).append(", ");
                }
            }
        }
        return merged.append(varyOn).toString();
    }
}
