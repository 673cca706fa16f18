package dev.apikey.hardening;

import dev.apikey.ApiKeyPrincipal;
import dev.apikey.RequiresScope;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import java.util.Map;

/** The Jersey application's resources: the same paths and scopes as web.xml's rules. */
final class Resources {
    private Resources() {
    }

    /** {@code /billing/invoices}. */
    @Path("billing/invoices")
    public static class Billing {
        @GET
        @RequiresScope("billing:read")
        @Produces(MediaType.TEXT_PLAIN)
        public String list() {
            return "ok";
        }

        @POST
        @RequiresScope("billing:write")
        @Produces(MediaType.TEXT_PLAIN)
        public String create() {
            return "ok";
        }
    }

    /** {@code /whoami}: any valid key; shows the key's id and owner, never the key. */
    @Path("whoami")
    public static class WhoAmI {
        @GET
        @Produces(MediaType.APPLICATION_JSON)
        public Map<String, Object> who(@Context SecurityContext security) {
            ApiKeyPrincipal p = (ApiKeyPrincipal) security.getUserPrincipal();
            return Map.of("id", p.id(), "owner", p.owner(), "environment", p.environment().toString());
        }
    }
}
