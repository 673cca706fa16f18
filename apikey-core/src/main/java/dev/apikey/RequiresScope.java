package dev.apikey;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares the scopes a resource method (or every method of a class) requires. A method annotation
 * replaces the class annotation. The JAX-RS adapter reads it once per resource method at deployment;
 * an invalid scope fails deployment, never a request.
 *
 * <pre>{@code
 * @GET @RequiresScope("billing:read") public List<Invoice> list() { ... }
 * @POST @RequiresScope(value = {"billing:write", "billing:admin"}, mode = RequiresScope.Mode.ANY) ...
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RequiresScope {
    /** The required scopes, e.g. {@code billing:read}; wildcards are not allowed here. */
    String[] value();

    /** Whether all scopes (default) or any one of them is required. */
    Mode mode() default Mode.ALL;

    /** How several scopes combine. */
    enum Mode {
        /** Every listed scope is required. */
        ALL,
        /** One listed scope is enough. */
        ANY
    }
}
