package dev.apikey.jaxrs.admin;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyNotFoundException;
import dev.apikey.KeyStateException;
import dev.apikey.NotPermittedException;
import dev.apikey.ProblemRenderer;
import dev.apikey.spi.DuplicateKeyException;
import dev.apikey.spi.StoreUnavailableException;
import dev.apikey.spi.VersionConflictException;
import jakarta.ws.rs.core.Response;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The admin API's failures, and the mapping of key-manager failures onto them. A failure is rendered by the
 * resource's {@link ProblemRenderer}, the verifier's, so admin errors and rejections share one problem type base
 * and one JSON writer. Details name fields, ids and scopes; they never hold a key, a digest or a Java class name.
 */
final class AdminProblems {
    private AdminProblems() {
    }

    /** An admin request that cannot be answered as asked; {@link #response} renders it. */
    static final class Failure extends RuntimeException {
        final int status;
        final String slug;
        final String title;
        final String detail;
        final String field;

        Failure(int status, String slug, String title, String detail, String field) {
            super(slug, null, false, false);
            this.status = status;
            this.slug = slug;
            this.title = title;
            this.detail = detail;
            this.field = field;
        }
    }

    /** Runs a key-manager call, turning its failures into admin failures. */
    static <T> T call(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (KeyNotFoundException e) {
            throw notFound(e.id());
        } catch (NotPermittedException e) {
            throw forbidden(e.getMessage());
        } catch (KeyStateException e) {
            throw new Failure(409, "conflict", "Conflict", e.getMessage(), null);
        } catch (VersionConflictException e) {
            throw new Failure(409, "conflict", "Conflict",
                    "the key kept changing while this request tried to change it; retry", null);
        } catch (DuplicateKeyException e) {
            throw new Failure(409, "conflict", "Conflict", "the new key could not be stored (its id or digest is"
                    + " already taken); nothing was issued, retry", null);
        } catch (InvalidConfigurationException e) {
            throw badField(null, e.getMessage());
        } catch (StoreUnavailableException e) {
            throw new Failure(503, "unavailable", "Service unavailable", "The key store cannot be reached; retry later.", null);
        }
    }

    /**
     * {@link #call} for a change made against the version the caller read: a version conflict is 412, whether the
     * key had already changed or changed while this request stored it.
     */
    static <T> T callAtVersion(long version, Supplier<T> operation) {
        return call(() -> {
            try {
                return operation.get();
            } catch (VersionConflictException e) {
                throw new Failure(412, "precondition-failed", "Precondition failed",
                        "the key changed since version " + version + " was read; GET it again and retry with its ETag",
                        null);
            }
        });
    }

    /** 400 naming {@code field} (or no field for the body as a whole). */
    static Failure badField(String field, String detail) {
        return new Failure(400, "invalid-request", "Invalid request", detail,
                field == null ? null : ProblemRenderer.untrusted(field, 64));
    }

    /** 404, the same for an id that does not exist and one the acting key may not see. */
    static Failure notFound(String id) {
        return new Failure(404, "not-found", "Not found",
                "no key with id " + ProblemRenderer.untrusted(id == null ? "null" : id, 64), null);
    }

    /** 403: the acting key may not make this change. */
    static Failure forbidden(String detail) {
        return new Failure(403, "forbidden", "Forbidden", detail, null);
    }

    /** 413: the body is larger than any valid one. */
    static Failure tooLarge(int maxBytes) {
        return new Failure(413, "too-large", "Request too large",
                "the request body is larger than " + maxBytes + " bytes", null);
    }

    /** {@code failure} as an {@code application/problem+json} response that is never cached. */
    static Response response(Failure failure, ProblemRenderer problems) {
        Response.ResponseBuilder b = Response.status(failure.status).type(ProblemRenderer.CONTENT_TYPE)
                .header(ProblemRenderer.NO_STORE.name(), ProblemRenderer.NO_STORE.value());
        if (failure.status == 503) {
            b.header("Retry-After", "1");
        }
        return b.entity(problems.body(failure.status, failure.slug, failure.title, failure.detail,
                failure.field == null ? Map.of() : Map.of("field", failure.field))).build();
    }
}
