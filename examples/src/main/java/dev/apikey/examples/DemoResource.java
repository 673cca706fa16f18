package dev.apikey.examples;

import dev.apikey.ApiKeyPrincipal;
import dev.apikey.RequiresScope;
import dev.apikey.jaxrs.ApiKeys;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The demo's Jersey application: {@code /api/health}, {@code /api/invoices}, {@code /api/whoami}. */
@Path("api")
@Produces(MediaType.APPLICATION_JSON)
public class DemoResource {
    private static final List<Map<String, Object>> INVOICES = new CopyOnWriteArrayList<>(List.of(
            Map.of("id", "inv_1001", "customer", "ACME Corp", "amount", 1200),
            Map.of("id", "inv_1002", "customer", "Globex", "amount", 450)));
    private static final AtomicInteger NEXT = new AtomicInteger(1003);

    /** Public: no key needed. */
    @GET
    @Path("health")
    @PermitAll
    public Map<String, String> health() {
        return Map.of("status", "ok");
    }

    /** Needs billing:read. */
    @GET
    @Path("invoices")
    @RequiresScope("billing:read")
    public List<Map<String, Object>> invoices() {
        return new ArrayList<>(INVOICES);
    }

    /** Needs billing:write. */
    @POST
    @Path("invoices")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresScope("billing:write")
    public Response create(Map<String, Object> invoice) {
        Map<String, Object> stored = new LinkedHashMap<>();
        stored.put("id", "inv_" + NEXT.getAndIncrement());
        stored.put("customer", String.valueOf(invoice == null ? null : invoice.get("customer")));
        stored.put("amount", invoice == null ? null : invoice.get("amount"));
        INVOICES.add(stored);
        return Response.status(Response.Status.CREATED).entity(stored).build();
    }

    /** Any valid key: who am I (never the key itself). */
    @GET
    @Path("whoami")
    public Map<String, Object> whoami(@Context SecurityContext security) {
        ApiKeyPrincipal key = ApiKeys.principal(security).orElseThrow();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", key.id());
        out.put("owner", key.owner());
        out.put("scopes", key.scopes().names());
        out.put("environment", key.environment().token());
        return out;
    }
}
