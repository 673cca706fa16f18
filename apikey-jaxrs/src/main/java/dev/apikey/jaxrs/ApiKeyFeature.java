package dev.apikey.jaxrs;

import dev.apikey.ApiKeyVerifier;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyManager;
import dev.apikey.RequiresScope;
import dev.apikey.ScopeRequirement;
import dev.apikey.jaxrs.admin.AdminLeaksResource;
import dev.apikey.jaxrs.admin.AdminResource;
import dev.apikey.leak.LeakAction;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * API-key access control for a Jakarta REST application, registered in one line:
 *
 * <pre>{@code
 * resourceConfig.register(new ApiKeyFeature(verifier));
 * }</pre>
 *
 * <p>At deployment, once per resource method, the feature decides what the method requires and binds a small
 * immutable filter that already knows it (nothing is reflected per request):
 * <ul>
 *   <li>{@link RequiresScope @RequiresScope} on the method, else on the class: a valid key holding those scopes
 *       (all or any of them). An invalid scope string fails deployment.</li>
 *   <li>{@code @PermitAll} on the method, else on the class: no authentication at all. A method-level
 *       annotation beats a class-level one; both annotations on the same element fail deployment.</li>
 *   <li>neither: any valid key (deny by default). {@link #permitUnannotated()} makes such methods public
 *       instead, for applications that annotate every protected method.</li>
 * </ul>
 * The filter runs at {@code Priorities.AUTHENTICATION}, builds one {@link dev.apikey.AccessRequest}, calls
 * {@link ApiKeyVerifier#verify} once and either aborts with the rejection core rendered (status, every header,
 * {@code application/problem+json} body) or installs a {@link jakarta.ws.rs.core.SecurityContext} whose
 * principal is the {@link dev.apikey.ApiKeyPrincipal} and whose {@code isUserInRole} answers with scope
 * semantics, so {@code @RolesAllowed("billing:read")} works too. RateLimit headers of allowed requests are added
 * to the response, and so are their cache headers: {@code Cache-Control: private, no-store} unless the resource
 * sets its own, and {@code Vary} naming the key header after the resource's own values. They are configured on the
 * verifier, which both adapters share ({@link dev.apikey.VerifierConfig.Builder#privateCacheControl},
 * {@link dev.apikey.VerifierConfig.Builder#varyOnKeyHeader}), so that the same settings give the same answers.
 *
 * <p>Sub-resources reached through a locator are governed by the annotations of the sub-resource class and its
 * methods, not by those of the locator; unannotated sub-resource methods need a valid key like any other.
 *
 * <p><b>Client address.</b> Jakarta REST has no standard way to read the connection's peer address, which the
 * verifier needs for per-key IP allowlists and for throttling clients that fail repeatedly. By default the
 * feature reads the request property {@link #REMOTE_ADDRESS_PROPERTY}: the address, or a
 * {@code Supplier<String>} of it, asked only when the verifier needs the address (most allowed requests never do).
 * In a servlet container (Jersey's servlet container maps request properties to servlet request attributes) a
 * one-line servlet filter sets it:
 * {@code request.setAttribute(ApiKeyFeature.REMOTE_ADDRESS_PROPERTY, (Supplier<String>) request::getRemoteAddr)}
 * (a container formats the address anew on every {@code getRemoteAddr()}, so the supplier saves that work on the
 * requests that do not need it); register the feature with {@code withRemoteAddress(fromRequestProperty())} to
 * say so. Other containers pass their own function to {@link #withRemoteAddress}. Without an address, keys with an
 * allowlist are refused (403) and failed attempts are not throttled; a feature that was not told where the address
 * comes from logs one WARNING at start saying so.
 *
 * <p>Instances are immutable; the {@code with...} methods return changed copies.
 */
public final class ApiKeyFeature implements Feature, DynamicFeature {
    /**
     * The request property the default address function reads: the connection peer's address, as a
     * {@code String} IP literal or a {@code Supplier<String>} of one (asked at most once per request, and only
     * when the verifier needs the address). Set it in a servlet filter or a pre-matching request filter. Any
     * other value counts as no address. Default: unset.
     */
    public static final String REMOTE_ADDRESS_PROPERTY = "dev.apikey.remoteAddress";

    /**
     * The request property under which the filter keeps the headers core asked to add to an allowed response
     * (the RateLimit headers), a {@code List<dev.apikey.HttpHeader>}; the response filter writes them.
     */
    public static final String RESPONSE_HEADERS_PROPERTY = "dev.apikey.jaxrs.responseHeaders";

    private static final Function<ContainerRequestContext, String> FROM_PROPERTY = request -> {
        Object address = request.getProperty(REMOTE_ADDRESS_PROPERTY);
        if (address instanceof Supplier<?> lazy) {
            address = lazy.get();
        }
        return address instanceof String s ? s : null;
    };

    private static final System.Logger LOG = System.getLogger(ApiKeyFeature.class.getName());

    private final ApiKeyVerifier verifier;
    private final Function<ContainerRequestContext, String> remoteAddress;
    // False until the application says where the address comes from: then start-up warns that it may have none.
    private final boolean addressSourceNamed;
    private final boolean unannotatedPublic;
    private final KeyManager adminManager;

    /** A feature that checks every request with {@code verifier}. */
    public ApiKeyFeature(ApiKeyVerifier verifier) {
        this(Objects.requireNonNull(verifier, "verifier"), FROM_PROPERTY, false, false, null);
    }

    private ApiKeyFeature(ApiKeyVerifier verifier, Function<ContainerRequestContext, String> remoteAddress,
                          boolean addressSourceNamed, boolean unannotatedPublic, KeyManager adminManager) {
        this.verifier = verifier;
        this.remoteAddress = remoteAddress;
        this.addressSourceNamed = addressSourceNamed;
        this.unannotatedPublic = unannotatedPublic;
        this.adminManager = adminManager;
    }

    /**
     * The address function that reads {@link #REMOTE_ADDRESS_PROPERTY}. Pass it to {@link #withRemoteAddress}
     * to say that one of the application's filters sets that property (the feature then does not warn at start).
     */
    public static Function<ContainerRequestContext, String> fromRequestProperty() {
        return FROM_PROPERTY;
    }

    /**
     * A copy that reads the client's address with {@code remoteAddress} (an IP literal, or {@code null} when
     * unknown) instead of the request property {@link #REMOTE_ADDRESS_PROPERTY}.
     */
    public ApiKeyFeature withRemoteAddress(Function<ContainerRequestContext, String> remoteAddress) {
        return new ApiKeyFeature(verifier, Objects.requireNonNull(remoteAddress, "remoteAddress"), true,
                unannotatedPublic, adminManager);
    }

    /**
     * A copy under which resource methods without {@code @RequiresScope} or {@code @PermitAll} (on the method or
     * its class) are public instead of needing a valid key. Use it only when every protected method is annotated.
     */
    public ApiKeyFeature permitUnannotated() {
        return new ApiKeyFeature(verifier, remoteAddress, addressSourceNamed, true, adminManager);
    }

    /**
     * A copy that also registers the admin API ({@link AdminResource}, {@code /admin/keys}, and
     * {@code /admin/leaks}; each endpoint needs its own scope, see {@link dev.apikey.jaxrs.admin.AdminScopes}, or
     * {@code apikeys:admin}) backed by {@code manager}, which must write to the verifier's store.
     *
     * @throws InvalidConfigurationException if the manager writes to another store
     */
    public ApiKeyFeature withAdmin(KeyManager manager) {
        Objects.requireNonNull(manager, "manager");
        if (manager.store() != verifier.store()) {
            throw new InvalidConfigurationException("the admin key manager writes to a different store than the verifier reads");
        }
        return new ApiKeyFeature(verifier, remoteAddress, addressSourceNamed, unannotatedPublic, manager);
    }

    /**
     * Registers the admin resource when {@link #withAdmin} asked for it, and warns once when the application
     * has not said where the client's address comes from.
     */
    @Override
    public boolean configure(FeatureContext context) {
        if (!addressSourceNamed) {
            LOG.log(System.Logger.Level.WARNING, "ApiKeyFeature has no client address source: failed attempts cannot be"
                    + " throttled per client, keys with an IP allowlist are refused, and keys sent over plain HTTP are refused"
                    + " even from this host (403 https-required: only a known loopback client may use plain HTTP), unless a"
                    + " filter sets the request"
                    + " property " + REMOTE_ADDRESS_PROPERTY + " (then register the feature with"
                    + " withRemoteAddress(ApiKeyFeature.fromRequestProperty())) or withRemoteAddress(...) is given the"
                    + " container's own function; see docs/jaxrs.md");
        }
        if (adminManager != null) {
            context.register(new AdminResource(adminManager, verifier.problems()));
            context.register(new AdminLeaksResource(adminManager, LeakAction.REVOKE, verifier.problems()));
        }
        return true;
    }

    /**
     * Binds the filter for one resource method, or nothing for a public one.
     *
     * @throws InvalidConfigurationException if the method's annotations are invalid or contradict each other
     */
    @Override
    public void configure(ResourceInfo resourceInfo, FeatureContext context) {
        ScopeRequirement requirement = AccessRule.of(resourceInfo.getResourceClass(), resourceInfo.getResourceMethod(),
                unannotatedPublic);
        if (requirement != null) {
            context.register(new ApiKeyFilter(verifier, requirement, remoteAddress));
        }
    }

    @Override
    public String toString() {
        return "ApiKeyFeature[" + verifier + (unannotatedPublic ? ", unannotated methods public" : "")
                + (adminManager != null ? ", admin API" : "") + "]";
    }
}
