package dev.apikey.jaxrs;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.RequiresScope;
import dev.apikey.ScopeRequirement;
import jakarta.annotation.security.PermitAll;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;

/** Reads what a resource method requires from its annotations, once, at deployment. */
final class AccessRule {
    private AccessRule() {
    }

    /**
     * The method's requirement, or {@code null} if it is public. Method annotations (also those on the method
     * it overrides or implements) beat class annotations.
     */
    static ScopeRequirement of(Class<?> resourceClass, Method method, boolean unannotatedPublic) {
        Rule rule = decide(findOnMethod(method, RequiresScope.class),
                findOnMethod(method, PermitAll.class) != null, method);
        if (rule == null) {
            rule = decide(findOnClass(resourceClass, RequiresScope.class),
                    findOnClass(resourceClass, PermitAll.class) != null, resourceClass);
        }
        if (rule == null) {
            return unannotatedPublic ? null : ScopeRequirement.none();
        }
        return rule.requirement();
    }

    /** What one element's annotations say; a {@code null} requirement means public. */
    private record Rule(ScopeRequirement requirement) {
    }

    private static final Rule PUBLIC = new Rule(null);

    /** The rule the annotations of one element declare, or {@code null} if they declare none. */
    private static Rule decide(RequiresScope scope, boolean permitAll, AnnotatedElement where) {
        if (scope != null && permitAll) {
            throw new InvalidConfigurationException("both @RequiresScope and @PermitAll on " + where
                    + "; keep one of them");
        }
        if (permitAll) {
            return PUBLIC;
        }
        if (scope == null) {
            return null;
        }
        if (scope.value().length == 0) {
            throw new InvalidConfigurationException("@RequiresScope on " + where
                    + " lists no scope; remove it to require any valid key, or name the scopes");
        }
        try {
            return new Rule(ScopeRequirement.of(scope));
        } catch (InvalidConfigurationException e) {
            throw new InvalidConfigurationException("@RequiresScope on " + where + ": " + e.getMessage());
        }
    }

    private static <A extends Annotation> A findOnMethod(Method method, Class<A> type) {
        A a = method.getAnnotation(type);
        if (a != null) {
            return a;
        }
        // Annotations on an interface or superclass method the resource method implements count as its own.
        return findInHierarchy(method.getDeclaringClass(), method, type);
    }

    private static <A extends Annotation> A findInHierarchy(Class<?> c, Method method, Class<A> type) {
        for (Class<?> i : c.getInterfaces()) {
            A a = declaredOn(i, method, type);
            if (a == null) {
                a = findInHierarchy(i, method, type);
            }
            if (a != null) {
                return a;
            }
        }
        Class<?> sup = c.getSuperclass();
        if (sup == null || sup == Object.class) {
            return null;
        }
        A a = declaredOn(sup, method, type);
        return a != null ? a : findInHierarchy(sup, method, type);
    }

    private static <A extends Annotation> A declaredOn(Class<?> c, Method method, Class<A> type) {
        try {
            return c.getDeclaredMethod(method.getName(), method.getParameterTypes()).getAnnotation(type);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static <A extends Annotation> A findOnClass(Class<?> c, Class<A> type) {
        // getAnnotation follows superclasses for @Inherited annotations; interfaces are checked explicitly.
        A a = c.getAnnotation(type);
        if (a != null) {
            return a;
        }
        for (Class<?> i : c.getInterfaces()) {
            a = i.getAnnotation(type);
            if (a != null) {
                return a;
            }
        }
        return null;
    }
}
