package dev.apikey.jaxrs.admin;

import dev.apikey.ApiKeyVerifier;
import dev.apikey.Environment;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.IssuedKey;
import dev.apikey.KeyManager;
import dev.apikey.KeyNotFoundException;
import dev.apikey.KeyRecord;
import dev.apikey.KeyRequest;
import dev.apikey.KeyStateException;
import dev.apikey.RequiresScope;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.StoreUnavailableException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The admin API for keys, guarded by the scope {@value #SCOPE}. Register it with
 * {@code new ApiKeyFeature(verifier).withAdmin(manager)} or {@code register(new AdminResource(manager))}.
 *
 * <ul>
 *   <li>{@code POST /admin/keys} with {@code {"owner": "...", "scopes": ["billing:read"]}} and optionally
 *       {@code tenant}, {@code environment} ({@code live}/{@code test}), {@code expiresAt} (ISO-8601 instant),
 *       {@code rateLimit} ({@code "100/1s burst 20, 10000/1d"}), {@code quota} ({@code "1000/day"}),
 *       {@code credits}, {@code allowedCidrs}, {@code labels}: 201 with the record and {@code key}, the
 *       plaintext, shown this once.</li>
 *   <li>{@code GET /admin/keys[?owner=..|?tenant=..]}: {@code {"keys": [record, ...]}}.</li>
 *   <li>{@code GET /admin/keys/{id}}: the record.</li>
 *   <li>{@code POST /admin/keys/{id}/rotate} with {@code {"gracePeriod": "PT24H"}}: 201 with the successor's
 *       record and key; the old key keeps working for the grace period (never past its own expiry).</li>
 *   <li>{@code POST /admin/keys/{id}/revoke}, {@code .../suspend}, {@code .../resume}: 200 with the record.</li>
 * </ul>
 *
 * Records are rendered without the digest. Bad input is a 400 {@code application/problem+json} whose
 * {@code field} member names the field; an unknown id is 404; an operation the key's state forbids (rotating a
 * revoked key) is 409. Every response carries {@code Cache-Control: no-store}. JSON is read and written by the
 * application's JSON provider as maps, lists and strings, so any provider (Jackson, JSON-B) works.
 */
@Path("admin/keys")
@RequiresScope(AdminResource.SCOPE)
@Produces(MediaType.APPLICATION_JSON)
public final class AdminResource {
    /** The scope the admin API requires. */
    public static final String SCOPE = "apikeys:admin";

    private static final String PROBLEM_JSON = "application/problem+json";
    private static final Set<String> CREATE_FIELDS = Set.of("owner", "tenant", "scopes", "environment", "expiresAt",
            "rateLimit", "quota", "credits", "allowedCidrs", "labels");
    private static final Set<String> ROTATE_FIELDS = Set.of("gracePeriod");

    private final KeyManager manager;

    /** An admin API over {@code manager}. */
    public AdminResource(KeyManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    /** Issues a key: 201 with the record and the plaintext {@code key}. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(Map<String, Object> body, @Context UriInfo uriInfo) {
        Map<String, Object> in = object(body, CREATE_FIELDS);
        KeyRequest.Builder request = KeyRequest.builder();
        String owner = string(in, "owner");
        if (owner == null) {
            throw badField("owner", "owner is required");
        }
        field("owner", () -> request.owner(owner));
        String tenant = string(in, "tenant");
        field("tenant", () -> request.tenant(tenant));
        if (!in.containsKey("scopes")) {
            throw badField("scopes", "scopes is required: a list such as [\"billing:read\"] (may be empty)");
        }
        List<String> scopes = strings(in, "scopes");
        field("scopes", () -> request.scopes(scopes));
        String environment = string(in, "environment");
        if (environment != null) {
            field("environment", () -> request.environment(Environment.parse(environment)));
        }
        String expiresAt = string(in, "expiresAt");
        if (expiresAt != null) {
            Instant at = field("expiresAt", () -> Instant.parse(expiresAt));
            if (!at.isAfter(manager.clock().instant())) {
                throw badField("expiresAt", "expiresAt must be in the future");
            }
            request.expiresAt(at);
        }
        String rateLimit = string(in, "rateLimit");
        field("rateLimit", () -> request.rateLimit(rateLimit));
        String quota = string(in, "quota");
        field("quota", () -> request.quota(quota));
        Long credits = integer(in, "credits");
        if (credits != null) {
            field("credits", () -> request.credits(credits));
        }
        List<String> cidrs = strings(in, "allowedCidrs");
        field("allowedCidrs", () -> request.allowedCidrs(cidrs.toArray(new String[0])));
        Map<String, String> labels = labels(in);
        labels.forEach(request::label);
        IssuedKey issued = call(() -> manager.issue(request.build()));
        return created(issued, uriInfo);
    }

    /** Lists records, optionally of one owner or one tenant. */
    @GET
    public Response list(@QueryParam("owner") String owner, @QueryParam("tenant") String tenant) {
        if (owner != null && tenant != null) {
            throw badField("tenant", "filter by owner or by tenant, not both");
        }
        KeyQuery query = owner != null ? KeyQuery.byOwner(owner) : tenant != null ? KeyQuery.byTenant(tenant) : KeyQuery.all();
        List<Map<String, Object>> keys = new ArrayList<>();
        for (KeyRecord r : call(() -> manager.list(query))) {
            keys.add(render(r));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("keys", keys);
        return ok(Response.ok(out));
    }

    /** One record. */
    @GET
    @Path("{id}")
    public Response get(@PathParam("id") String id) {
        KeyRecord r = call(() -> manager.get(id)).orElseThrow(() -> notFound(id));
        return ok(Response.ok(render(r)));
    }

    /** Revokes a key for good. */
    @POST
    @Path("{id}/revoke")
    public Response revoke(@PathParam("id") String id) {
        return ok(Response.ok(render(call(() -> manager.revoke(id)))));
    }

    /** Suspends a key until it is resumed. */
    @POST
    @Path("{id}/suspend")
    public Response suspend(@PathParam("id") String id) {
        return ok(Response.ok(render(call(() -> manager.suspend(id)))));
    }

    /** Makes a suspended key active again. */
    @POST
    @Path("{id}/resume")
    public Response resume(@PathParam("id") String id) {
        return ok(Response.ok(render(call(() -> manager.resume(id)))));
    }

    /** Rotates a key: 201 with the successor's record and plaintext {@code key}. */
    @POST
    @Path("{id}/rotate")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response rotate(@PathParam("id") String id, Map<String, Object> body, @Context UriInfo uriInfo) {
        Map<String, Object> in = object(body, ROTATE_FIELDS);
        String text = string(in, "gracePeriod");
        if (text == null) {
            throw badField("gracePeriod", "gracePeriod is required: an ISO-8601 duration such as PT24H (PT0S ends the old key at once)");
        }
        Duration grace = field("gracePeriod", () -> Duration.parse(text));
        if (grace.isNegative()) {
            throw badField("gracePeriod", "gracePeriod must be zero or positive, got " + text);
        }
        return created(call(() -> manager.rotate(id, grace)), uriInfo);
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
        if (r.notBefore() != null) {
            m.put("notBefore", text(r.notBefore()));
        }
        if (r.quota() != null) {
            m.put("quota", r.quota().toString());
        }
        if (r.credits() != null) {
            m.put("credits", r.credits());
        }
        if (!r.allowedCidrs().isEmpty()) {
            List<String> cidrs = new ArrayList<>();
            r.allowedCidrs().forEach(c -> cidrs.add(c.toString()));
            m.put("allowedCidrs", cidrs);
        }
        if (!r.labels().isEmpty()) {
            m.put("labels", r.labels());
        }
        return m;
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
        return ok(Response.created(location).entity(out));
    }

    private static Response ok(Response.ResponseBuilder b) {
        return b.header("Cache-Control", "no-store").build();
    }

    // ---- input -------------------------------------------------------------------------------------------

    private static Map<String, Object> object(Map<String, Object> body, Set<String> allowed) {
        if (body == null) {
            throw badField(null, "the request body must be a JSON object");
        }
        for (String name : body.keySet()) {
            if (!allowed.contains(name)) {
                throw badField(name, "unknown field '" + name + "'; expected one of " + new java.util.TreeSet<>(allowed));
            }
        }
        return body;
    }

    private static String string(Map<String, Object> in, String name) {
        Object v = in.get(name);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw badField(name, name + " must be a string");
    }

    private static Long integer(Map<String, Object> in, String name) {
        Object v = in.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        throw badField(name, name + " must be an integer");
    }

    private static List<String> strings(Map<String, Object> in, String name) {
        Object v = in.get(name);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw badField(name, name + " must be a list of strings");
                }
                out.add(s);
            }
            return out;
        }
        throw badField(name, name + " must be a list of strings");
    }

    private static Map<String, String> labels(Map<String, Object> in) {
        Object v = in.get("labels");
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw badField("labels", "labels must be an object of strings");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof String s)) {
                throw badField("labels", "labels must be an object of strings");
            }
            out.put(k, s);
        }
        return out;
    }

    /** Runs a parse or builder step of one field; its failure becomes a 400 naming that field. */
    private static <T> T field(String name, Supplier<T> step) {
        try {
            return step.get();
        } catch (InvalidConfigurationException | DateTimeParseException e) {
            String detail = e instanceof DateTimeParseException
                    ? name + " '" + e.getMessage().replaceAll("^Text '([^']*)'.*$", "$1") + "' is not "
                      + (name.equals("gracePeriod") ? "an ISO-8601 duration such as PT24H" : "an ISO-8601 instant such as 2030-01-01T00:00:00Z")
                    : name + ": " + e.getMessage();
            throw badField(name, detail);
        }
    }

    /** Runs a key-manager call, turning its failures into problem responses. */
    private static <T> T call(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (KeyNotFoundException e) {
            throw notFound(e.id());
        } catch (KeyStateException e) {
            throw new WebApplicationException(problem(409, "conflict", "Conflict", e.getMessage(), null));
        } catch (InvalidConfigurationException e) {
            throw badField(null, e.getMessage());
        } catch (StoreUnavailableException e) {
            Response r = Response.fromResponse(problem(503, "unavailable", "Service unavailable",
                    "The key store cannot be reached; retry later.", null)).header("Retry-After", "1").build();
            throw new WebApplicationException(r);
        }
    }

    private static WebApplicationException badField(String field, String detail) {
        return new WebApplicationException(problem(400, "invalid-request", "Invalid request", detail, field));
    }

    private static WebApplicationException notFound(String id) {
        return new WebApplicationException(problem(404, "not-found", "Not found", "no key with id " + safe(id), null));
    }

    private static Response problem(int status, String slug, String title, String detail, String field) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", ApiKeyVerifier.DEFAULT_PROBLEM_BASE + slug);
        p.put("title", title);
        p.put("status", status);
        p.put("detail", detail);
        if (field != null) {
            p.put("field", field);
        }
        return Response.status(status).type(PROBLEM_JSON).header("Cache-Control", "no-store").entity(p).build();
    }

    private static String safe(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
