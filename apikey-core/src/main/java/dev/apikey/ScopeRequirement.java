package dev.apikey;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What a request must hold: no scope (any valid key), all of some scopes, or any of them. Parsed once,
 * at start-up; an invalid scope string fails there.
 */
public final class ScopeRequirement {
    private static final ScopeRequirement NONE = new ScopeRequirement(List.of(), RequiresScope.Mode.ALL);

    private final List<Scope> scopes;
    private final RequiresScope.Mode mode;
    private final String text;

    private ScopeRequirement(List<Scope> scopes, RequiresScope.Mode mode) {
        this.scopes = List.copyOf(scopes);
        this.mode = mode;
        StringBuilder b = new StringBuilder();
        for (Scope s : scopes) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(s.value());
        }
        this.text = b.toString();
    }

    /** No scope required: any valid key passes. */
    public static ScopeRequirement none() {
        return NONE;
    }

    /** Every listed scope is required. */
    public static ScopeRequirement all(String... scopes) {
        return of(List.of(scopes), RequiresScope.Mode.ALL);
    }

    /** One of the listed scopes is enough. */
    public static ScopeRequirement any(String... scopes) {
        return of(List.of(scopes), RequiresScope.Mode.ANY);
    }

    /** The requirement an annotation declares. */
    public static ScopeRequirement of(RequiresScope annotation) {
        return of(List.of(annotation.value()), annotation.mode());
    }

    /**
     * A requirement of {@code scopes} combined by {@code mode}.
     *
     * @throws InvalidConfigurationException if a scope is invalid or contains a wildcard
     */
    public static ScopeRequirement of(Collection<String> scopes, RequiresScope.Mode mode) {
        if (scopes.isEmpty()) {
            return NONE;
        }
        List<Scope> parsed = new ArrayList<>();
        for (String s : scopes) {
            Scope p = Scope.parseRequired(s);
            if (!parsed.contains(p)) {
                parsed.add(p);
            }
        }
        return new ScopeRequirement(parsed, java.util.Objects.requireNonNull(mode, "mode"));
    }

    /** True if {@code granted} satisfies this requirement. */
    public boolean isSatisfiedBy(ScopeSet granted) {
        if (scopes.isEmpty()) {
            return true;
        }
        // By index: this runs on every request, and an iterator is an allocation.
        if (mode == RequiresScope.Mode.ALL) {
            for (int i = 0; i < scopes.size(); i++) {
                if (!granted.allows(scopes.get(i))) {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0; i < scopes.size(); i++) {
            if (granted.allows(scopes.get(i))) {
                return true;
            }
        }
        return false;
    }

    /** True if no scope is required. */
    public boolean isNone() {
        return scopes.isEmpty();
    }

    /** The required scopes. */
    public List<Scope> scopes() {
        return scopes;
    }

    /** All or any. */
    public RequiresScope.Mode mode() {
        return mode;
    }

    /** The scopes separated by spaces, as the {@code scope} parameter of {@code WWW-Authenticate} carries them. */
    public String text() {
        return text;
    }

    /**
     * The stricter of two requirements: all scopes of both. Used when a path has no rule for a method and
     * must fall back to the strictest rule of that path.
     */
    public ScopeRequirement and(ScopeRequirement other) {
        if (other.isNone()) {
            return this;
        }
        if (isNone()) {
            return other;
        }
        // All scopes of both is at least as strict as either, whatever their modes.
        List<Scope> both = new ArrayList<>(scopes);
        for (Scope s : other.scopes) {
            if (!both.contains(s)) {
                both.add(s);
            }
        }
        return new ScopeRequirement(both, RequiresScope.Mode.ALL);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScopeRequirement r && r.scopes.equals(scopes) && r.mode == mode;
    }

    @Override
    public int hashCode() {
        return scopes.hashCode() * 31 + mode.hashCode();
    }

    @Override
    public String toString() {
        return isNone() ? "(any valid key)" : mode.name().toLowerCase(java.util.Locale.ROOT) + " of [" + text + "]";
    }
}
