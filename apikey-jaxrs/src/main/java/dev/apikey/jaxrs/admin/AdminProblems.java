package dev.apikey.jaxrs.admin;

import dev.apikey.ApiKeyVerifier;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyNotFoundException;
import dev.apikey.KeyStateException;
import dev.apikey.NotPermittedException;
import dev.apikey.internal.Escaping;
import dev.apikey.internal.StrictJson;
import dev.apikey.spi.StoreUnavailableException;
import dev.apikey.spi.VersionConflictException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The admin API's {@code application/problem+json} answers, and the mapping of key-manager failures onto them.
 * Details name fields, ids and scopes; they never hold a key, a digest or a Java class name.
 */
final class AdminProblems {
    static final String PROBLEM_JSON = "application/problem+json";

    private AdminProblems() {
    }

    /** Runs a key-manager call, turning its failures into problem responses. */
    static <T> T call(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (KeyNotFoundException e) {
            throw notFound(e.id());
        } catch (NotPermittedException e) {
            throw forbidden(e.getMessage());
        } catch (KeyStateException e) {
            throw new WebApplicationException(problem(409, "conflict", "Conflict", e.getMessage(), null));
        } catch (VersionConflictException e) {
            throw new WebApplicationException(problem(409, "conflict", "Conflict",
                    "the key kept changing while this request tried to change it; retry", null));
        } catch (InvalidConfigurationException e) {
            throw badField(null, e.getMessage());
        } catch (StoreUnavailableException e) {
            Response r = Response.fromResponse(problem(503, "unavailable", "Service unavailable",
                    "The key store cannot be reached; retry later.", null)).header("Retry-After", "1").build();
            throw new WebApplicationException(r);
        }
    }

    /** 400 naming {@code field} (or no field for the body as a whole). */
    static WebApplicationException badField(String field, String detail) {
        return new WebApplicationException(problem(400, "invalid-request", "Invalid request", detail,
                field == null ? null : Escaping.escape(field, 64)));
    }

    /** 404, the same for an id that does not exist and one the acting key may not see. */
    static WebApplicationException notFound(String id) {
        return new WebApplicationException(problem(404, "not-found", "Not found",
                "no key with id " + Escaping.escape(id == null ? "null" : id, 64), null));
    }

    /** 403: the acting key may not make this change. */
    static WebApplicationException forbidden(String detail) {
        return new WebApplicationException(problem(403, "forbidden", "Forbidden", detail, null));
    }

    /** 413: the body is larger than any valid one. */
    static WebApplicationException tooLarge(int maxBytes) {
        return new WebApplicationException(problem(413, "too-large", "Request too large",
                "the request body is larger than " + maxBytes + " bytes", null));
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
        return Response.status(status).type(PROBLEM_JSON).header("Cache-Control", "no-store")
                .entity(StrictJson.write(p)).build();
    }
}
