package dev.apikey.jaxrs;

import dev.apikey.ApiKeyPrincipal;
import dev.apikey.RequiresScope;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.util.LinkedHashMap;
import java.util.Map;

/** Resources of the test applications. */
public final class TestResources {
    private TestResources() {
    }

    /** The demo server's API. */
    @Path("api")
    @Produces(MediaType.APPLICATION_JSON)
    public static class Api {
        @GET
        @Path("health")
        @PermitAll
        public Map<String, Object> health() {
            return Map.of("status", "ok");
        }

        @GET
        @Path("invoices")
        @RequiresScope("billing:read")
        public Map<String, Object> invoices() {
            return Map.of("invoices", java.util.List.of());
        }

        @POST
        @Path("invoices")
        @RequiresScope("billing:write")
        public Map<String, Object> createInvoice() {
            return Map.of("created", true);
        }

        @GET
        @Path("whoami")
        public Map<String, Object> whoami(@Context SecurityContext security) {
            ApiKeyPrincipal key = ApiKeys.principal(security).orElseThrow();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", key.id());
            m.put("owner", key.owner());
            m.put("tenant", key.tenant());
            m.put("labels", key.labels());
            m.put("plan", key.label("plan"));
            m.put("scopes", key.scopes().names());
            m.put("environment", key.environment().token());
            m.put("scheme", security.getAuthenticationScheme());
            m.put("secure", security.isSecure());
            m.put("name", security.getUserPrincipal().getName());
            m.put("inRoleBillingRead", security.isUserInRole("billing:read"));
            return m;
        }
    }

    /** A resource that sets its own {@code Cache-Control} and {@code Vary}. */
    @Path("cached")
    public static class Cached {
        @GET
        @RequiresScope("billing:read")
        @Produces(MediaType.TEXT_PLAIN)
        public Response get() {
            CacheControl cc = new CacheControl();
            cc.setMaxAge(60);
            return Response.ok("cached").cacheControl(cc).header("Vary", "Accept-Encoding").build();
        }
    }

    /** A class-level scope, overridden per method. */
    @Path("reports")
    @RequiresScope("reports:read")
    public static class Reports {
        @GET
        public String inheritsClassScope() {
            return "reports";
        }

        @GET
        @Path("billing")
        @RequiresScope("billing:read")
        public String methodScopeWins() {
            return "billing report";
        }

        @GET
        @Path("public")
        @PermitAll
        public String methodPermitAllWins() {
            return "public report";
        }
    }

    /** A public class with one guarded method. */
    @Path("docs")
    @PermitAll
    public static class Docs {
        @GET
        public String open() {
            return "docs";
        }

        @GET
        @Path("internal")
        @RequiresScope("billing:read")
        public String guarded() {
            return "internal docs";
        }
    }

    /** All and any. */
    @Path("modes")
    public static class Modes {
        @GET
        @Path("all")
        @RequiresScope({"billing:read", "billing:write"})
        public String all() {
            return "all";
        }

        @GET
        @Path("any")
        @RequiresScope(value = {"billing:read", "reports:read"}, mode = RequiresScope.Mode.ANY)
        public String any() {
            return "any";
        }
    }

    /** The platform's own annotation, checked by Jersey's RolesAllowedDynamicFeature through isUserInRole. */
    @Path("roles")
    public static class Roles {
        @GET
        @RolesAllowed("billing:read")
        public String billingReaders() {
            return "roles";
        }
    }

    /** A sub-resource locator; the sub-resource's own annotations govern its methods. */
    @Path("tenants")
    public static class Tenants {
        @Path("{tenant}")
        public TenantInvoices tenant(@PathParam("tenant") String tenant) {
            return new TenantInvoices(tenant);
        }
    }

    /** Returned by {@link Tenants}. */
    public static class TenantInvoices {
        private final String tenant;

        TenantInvoices(String tenant) {
            this.tenant = tenant;
        }

        @GET
        @Path("invoices")
        @RequiresScope("billing:read")
        public String invoices() {
            return tenant + " invoices";
        }

        @GET
        @Path("profile")
        public String profile() {
            return tenant + " profile";
        }
    }

    /** Reachable without a key only when the feature permits unannotated methods. */
    @Path("plain")
    public static class Plain {
        @GET
        public String plain() {
            return "plain";
        }
    }
}
