package dev.apikey.hardening;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The Jersey resources of {@code jersey-webapp/WEB-INF/web.xml}, under the servlet mapping {@code /billing/*}. Each
 * names itself in {@value #HANDLER}, which HEAD answers carry too, so a test sees which method Jersey routed to.
 */
public final class BillingResources {
    /** The header naming the resource method that answered. */
    public static final String HANDLER = "X-Handler";

    private BillingResources() {
    }

    /** {@code /billing/summary}: the path the exact rule guards. */
    @Path("summary")
    public static class Summary {
        @GET
        @Produces({MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON})
        public Response get() {
            return Response.ok("{\"summary\":true}").header(HANDLER, "summary").build();
        }
    }

    /** {@code /billing/export}: no {@code @HEAD} method, so Jersey answers HEAD with this GET method. */
    @Path("export")
    public static class Export {
        @GET
        @Produces(MediaType.TEXT_PLAIN)
        public Response get() {
            return Response.ok("every invoice").header(HANDLER, "export").build();
        }
    }

    /** {@code /billing/invoices}: a path only the prefix rule guards. */
    @Path("invoices")
    public static class Invoices {
        @GET
        @Produces({MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON})
        public Response get() {
            return Response.ok("{\"invoices\":true}").header(HANDLER, "invoices").build();
        }
    }
}
