package dev.apikey.jaxrs.admin;

import dev.apikey.Actor;
import dev.apikey.ApiKeyPrincipal;
import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyRecord;
import dev.apikey.KeyUpdate;
import dev.apikey.Per;
import dev.apikey.ProblemRenderer;
import dev.apikey.RequiresScope;
import dev.apikey.jaxrs.ApiKeys;
import dev.apikey.json.StrictJson;
import dev.apikey.review.KeyReview;
import dev.apikey.spi.KeyQuery;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import static dev.apikey.jaxrs.admin.AdminProblems.badField;
import static dev.apikey.jaxrs.admin.AdminProblems.call;
import static dev.apikey.jaxrs.admin.AdminProblems.notFound;

/**
 * The admin API for keys; each endpoint needs its own scope ({@link AdminScopes}: {@code apikeys:read},
 * {@code apikeys:issue}, {@code apikeys:update}, {@code apikeys:revoke}) or {@value #SCOPE}. Register it with
 * {@code new ApiKeyFeature(verifier).withAdmin(manager)} or {@code register(new AdminResource(manager))}.
 *
 * <ul>
 *   <li>{@code POST /admin/keys} with {@code {"owner": "...", "scopes": ["billing:read"]}} and optionally
 *       {@code tenant}, {@code environment} ({@code live}/{@code test}), {@code expiresAt} (ISO-8601 instant),
 *       {@code rateLimit} ({@code "100/1s burst 20, 10000/1d"}), {@code quota} ({@code "1000/day"}),
 *       {@code credits}, {@code allowedCidrs}, {@code labels}, {@code description} (the key's purpose, at most
 *       512 chars), {@code reviewAfter} (ISO-8601 date): 201 with the record and {@code key}, the plaintext, shown
 *       this once.</li>
 *   <li>{@code GET /admin/keys[?owner=..|?tenant=..][&limit=..&after=..]}: {@code {"keys": [record, ...]}} in id
 *       order. With {@code limit} (1 to {@value KeyQuery#MAX_LIMIT}) one page, and {@code "next"}: the
 *       {@code after} of the following page, present while a page comes back full.</li>
 *   <li>{@code GET /admin/keys/{id}}: the record, its {@code version} also as the {@code ETag}.</li>
 *   <li>{@code PATCH /admin/keys/{id}} with {@code If-Match: "7"} and the fields to change ({@code scopes},
 *       {@code rateLimit}, {@code quota}, {@code credits}, {@code labels}, {@code description}, {@code reviewAfter},
 *       {@code expiresAt}, {@code allowedCidrs}; {@code null} removes one): 200 with the record and its new ETag;
 *       428 without {@code If-Match}, 412 if the key changed since that version ({@link KeyManager#update}).</li>
 *   <li>{@code GET /admin/keys/review[?owner=..|?tenant=..][&unusedDays=90&expiringDays=30][&limit=..&after=..]}:
 *       the {@link KeyReview} of one page of keys (default {@value #REVIEW_PAGE} records):
 *       {@code {"reviewedAt", "unusedDays", "expiringDays", "reviewed", "keys": [{..., "findings": [...]}], "next"}},
 *       listing only keys with findings; {@code next} as for the list.</li>
 *   <li>{@code POST /admin/keys/{id}/rotate} with {@code {"gracePeriod": "PT24H"}}: 201 with the successor's
 *       record and key; the old key keeps working for the grace period (never past its own expiry; at most the
 *       manager's {@link KeyManager#maxGracePeriod()}, 7 days by default).</li>
 *   <li>{@code POST /admin/keys/{id}/revoke} (predecessors from earlier rotations too), {@code .../suspend},
 *       {@code .../resume}: 200 with the record.</li>
 * </ul>
 *
 * <p>The calling key is the {@link Actor}: it grants only scopes it holds ({@code billing:*} may issue
 * {@code billing:read}, not {@code *}), and rotating or resuming a key needs that key's scopes, else 403. A calling
 * key with a tenant sees and changes only keys of its tenant (others are 404, like a missing id) and issues keys
 * into it; a calling key without a tenant administers every tenant. Every change is audited with the calling
 * key's id and the target's ({@link KeyManager}).
 *
 * <p>Bodies are read by the resource ({@link AdminRequests}: at most 64 KiB, one JSON object without duplicate
 * members, known fields of the right type and size). Records are rendered without the digest. Bad input is a 400
 * {@code application/problem+json} whose {@code field} member names the field; an unknown id is 404; an operation
 * the key's state forbids (rotating a revoked key) is 409. Every response carries {@code Cache-Control: no-store}.
 * JSON is read and written by the resource itself, so no JSON provider is needed.
 */
@Path("admin/keys")
@Produces(MediaType.APPLICATION_JSON)
public final class AdminResource {
    /** The scope that holds every admin right ({@link AdminScopes#ALL}); each endpoint also takes its own, see {@link AdminScopes}. */
    public static final String SCOPE = AdminScopes.ALL;

    /** Records a review reads when the request names no {@code limit}: a response stays bounded. */
    public static final int REVIEW_PAGE = 1000;

    private final KeyManager manager;
    private final ProblemRenderer problems;

    /** An admin API over {@code manager}, whose errors are rendered with the default problem type base. */
    public AdminResource(KeyManager manager) {
        this(manager, ProblemRenderer.ofDefaults());
    }

    /** An admin API over {@code manager} whose errors {@code problems} renders (the verifier's, {@link dev.apikey.ApiKeyVerifier#problems()}). */
    public AdminResource(KeyManager manager, ProblemRenderer problems) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.problems = Objects.requireNonNull(problems, "problems");
    }

    /** Issues a key: 201 with the record and the plaintext {@code key}. */
    @RequiresScope(value = {AdminScopes.ISSUE, AdminScopes.ALL}, mode = RequiresScope.Mode.ANY)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(InputStream body, @Context SecurityContext security, @Context UriInfo uriInfo) {
        return answer(() -> {
            KeyManager acting = actingManager(security);
            var request = AdminRequests.create(body, manager.clock().instant());
            return created(call(() -> acting.issue(request)), uriInfo);
        });
    }

    /** Lists the records the calling key may see, optionally of one owner or one tenant. */
    @RequiresScope(value = {AdminScopes.READ, AdminScopes.ALL}, mode = RequiresScope.Mode.ANY)
    @GET
    public Response list(@QueryParam("owner") String owner, @QueryParam("tenant") String tenant,
                         @QueryParam("limit") String limit, @QueryParam("after") String after,
                         @Context SecurityContext security) {
        return answer(() -> {
            KeyManager acting = actingManager(security);
            KeyQuery query = AdminRequests.page(filter(owner, tenant), limit, after);
            List<KeyRecord> page = call(() -> acting.list(query));
            List<Map<String, Object>> keys = new ArrayList<>();
            for (KeyRecord r : page) {
                keys.add(render(r));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("keys", keys);
            if (query.isPaged() && page.size() == query.limit()) {
                out.put("next", page.get(page.size() - 1).id());
            }
            return ok(Response.ok(), out);
        });
    }

    /** The key review of one page of the keys the calling key may see: only keys with findings are listed. */
    @RequiresScope(value = {AdminScopes.READ, AdminScopes.ALL}, mode = RequiresScope.Mode.ANY)
    @GET
    @Path("review")
    public Response review(@QueryParam("owner") String owner, @QueryParam("tenant") String tenant,
                           @QueryParam("unusedDays") String unusedDays, @QueryParam("expiringDays") String expiringDays,
                           @QueryParam("limit") String limit, @QueryParam("after") String after,
                           @Context SecurityContext security) {
        return answer(() -> {
            KeyManager acting = actingManager(security);
            KeyReview review = AdminRequests.review(unusedDays, expiringDays, manager.clock());
            KeyQuery query = AdminRequests.page(filter(owner, tenant), limit == null ? String.valueOf(REVIEW_PAGE) : limit,
                    after);
            Instant now = review.now();
            KeyReview.Page page = call(() -> review.page(acting::list, query, now));
            List<Map<String, Object>> keys = new ArrayList<>();
            page.keys().forEach(f -> keys.add(f.toJson()));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("reviewedAt", now.toString());
            out.put("unusedDays", review.unusedDays());
            out.put("expiringDays", review.expiringDays());
            out.put("reviewed", page.reviewed());
            out.put("keys", keys);
            if (page.next() != null) {
                out.put("next", page.next());
            }
            return ok(Response.ok(), out);
        });
    }

    /** One record, with its version as the {@code ETag} that {@link #update} takes in {@code If-Match}. */
    @RequiresScope(value = {AdminScopes.READ, AdminScopes.ALL}, mode = RequiresScope.Mode.ANY)
    @GET
    @Path("{id}")
    public Response get(@PathParam("id") String id, @Context SecurityContext security) {
        return answer(() -> {
            KeyManager acting = actingManager(security);
            KeyRecord r = call(() -> acting.get(id)).orElseThrow(() -> notFound(id));
            return ok(Response.ok().tag(etag(r)), render(r));
        });
    }

    /**
     * Changes a key in place ({@link AdminRequests#update}): needs {@code If-Match} with the version read, else 428;
     * 412 if the key changed since; 200 with the record and its new {@code ETag}.
     */
    @RequiresScope(value = {AdminScopes.UPDATE, AdminScopes.ALL}, mode = RequiresScope.Mode.ANY)
    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                           InputStream body, @Context SecurityContext security) {
        return answer(() -> {
            KeyManager acting = actingManager(security);
            long version = AdminRequests.version(ifMatch);
            KeyUpdate update = AdminRequests.update(body);
            KeyRecord r = AdminProblems.callAtVersion(version, () -> acting.update(id, version, update));
            return ok(Response.ok().tag(etag(r)), render(r));
        });
    }

    /** Revokes a key for good, and the keys it replaced by rotation. */
    @RequiresScope(value = {AdminScopes.REVOKE, AdminScopes.ALL}, mode = RequiresScope.Mode.ANY)
    @POST
    @Path("{id}/revoke")
    public Response revoke(@PathParam("id") String id, @Context SecurityContext security) {
        return answer(() -> {
            KeyManager acting = actingManager(security);
            return ok(Response.ok(), render(call(() -> acting.revoke(id))));
        });
    }

    /** Suspends a key until it is resumed. */
    @RequiresScope(value = {AdminScopes.UPDATE, AdminScopes.ALL}, mode = RequiresScope.Mode.ANY)
    @POST
    @Path("{id}/suspend")
    public Response suspend(@PathParam("id") String id, @Context SecurityContext security) {
        return answer(() -> {
            KeyManager acting = actingManager(security);
            return ok(Response.ok(), render(call(() -> acting.suspend(id))));
        });
    }

    /** Makes a suspended key active again. */
    @RequiresScope(value = {AdminScopes.UPDATE, AdminScopes.ALL}, mode = RequiresScope.Mode.ANY)
    @POST
    @Path("{id}/resume")
    public Response resume(@PathParam("id") String id, @Context SecurityContext security) {
        return answer(() -> {
            KeyManager acting = actingManager(security);
            return ok(Response.ok(), render(call(() -> acting.resume(id))));
        });
    }

    /** Rotates a key: 201 with the successor's record and plaintext {@code key}. */
    @RequiresScope(value = {AdminScopes.ISSUE, AdminScopes.ALL}, mode = RequiresScope.Mode.ANY)
    @POST
    @Path("{id}/rotate")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response rotate(@PathParam("id") String id, InputStream body, @Context SecurityContext security,
                           @Context UriInfo uriInfo) {
        return answer(() -> {
            KeyManager acting = actingManager(security);
            Duration grace = AdminRequests.gracePeriod(body, manager.maxGracePeriod());
            return created(call(() -> acting.rotate(id, grace)), uriInfo);
        });
    }

    private static KeyQuery filter(String owner, String tenant) {
        if (owner != null && tenant != null) {
            throw badField("tenant", "filter by owner or by tenant, not both");
        }
        return owner != null ? KeyQuery.byOwner(owner) : tenant != null ? KeyQuery.byTenant(tenant) : KeyQuery.all();
    }

    /**
     * The manager acting as the key that authenticated the request. Without one (the resource registered without
     * {@code ApiKeyFeature} in front of it) nothing is allowed.
     */
    private KeyManager actingManager(SecurityContext security) {
        return actingManager(manager, security);
    }

    /** {@code manager} acting as the key that authenticated the request (403 when none did). */
    static KeyManager actingManager(KeyManager manager, SecurityContext security) {
        ApiKeyPrincipal key = ApiKeys.principal(security).orElseThrow(
                () -> AdminProblems.forbidden("the admin API needs a request authenticated by an API key"));
        return manager.actingAs(Actor.of(key));
    }

    /** The endpoint's response, or the problem response of the failure that ended it. */
    private Response answer(Supplier<Response> endpoint) {
        try {
            return endpoint.get();
        } catch (AdminProblems.Failure f) {
            return AdminProblems.response(f, problems);
        }
    }

    // ---- rendering ---------------------------------------------------------------------------------------

    /** A record as JSON-ready values: never the digest. */
    static Map<String, Object> render(KeyRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("owner", r.owner());
        m.put("tenant", r.tenant());
        m.put("environment", r.environment().token());
        m.put("scopes", r.scopes().names());
        m.put("status", r.status().name().toLowerCase(Locale.ROOT));
        m.put("created", text(r.created()));
        m.put("expires", text(r.expires()));
        m.put("hint", r.hint());
        m.put("rateLimit", r.rateLimitPolicy() == null ? null : r.rateLimitPolicy().toString());
        m.put("replaces", r.replaces());
        m.put("replacedBy", r.replacedBy());
        m.put("lastUsed", text(r.lastUsed()));
        m.put("version", r.version());
        if (r.notBefore() != null) {
            m.put("notBefore", text(r.notBefore()));
        }
        if (r.quota() != null) {
            m.put("quota", r.quota().toString());
        }
        if (r.credits() != null) {
            m.put("credits", r.credits());
            if (r.creditsPer() != Per.KEY) {
                m.put("creditsPer", r.creditsPer().word());
            }
        }
        if (!r.allowedCidrs().isEmpty()) {
            List<String> cidrs = new ArrayList<>();
            r.allowedCidrs().forEach(c -> cidrs.add(c.toString()));
            m.put("allowedCidrs", cidrs);
        }
        if (!r.labels().isEmpty()) {
            m.put("labels", r.labels());
        }
        if (r.description() != null) {
            m.put("description", r.description());
        }
        if (r.reviewAfter() != null) {
            m.put("reviewAfter", r.reviewAfter().toString());
        }
        return m;
    }

    /** A record's version as a strong entity tag. */
    private static EntityTag etag(KeyRecord r) {
        return new EntityTag(Long.toString(r.version()));
    }

    private static String text(Instant i) {
        return i == null ? null : i.toString();
    }

    private static Response created(IssuedKey issued, UriInfo uriInfo) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", issued.record().id());
        out.put("key", issued.key().reveal());
        out.putAll(render(issued.record()));
        URI location = uriInfo.getBaseUriBuilder().path(AdminResource.class).path(issued.record().id()).build();
        return ok(Response.created(location), out);
    }

    private static Response ok(Response.ResponseBuilder b, Map<String, Object> body) {
        return b.type(MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store").entity(StrictJson.write(body)).build();
    }
}
