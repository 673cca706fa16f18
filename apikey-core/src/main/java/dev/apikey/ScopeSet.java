package dev.apikey;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The scopes granted to a key. Immutable; {@link #allows} applies wildcard semantics. */
public final class ScopeSet {
    private static final ScopeSet EMPTY = new ScopeSet(new Scope[0]);
    private final Scope[] scopes;

    private ScopeSet(Scope[] scopes) {
        this.scopes = scopes;
    }

    /** The empty set: a key with it passes only requirements with no scopes. */
    public static ScopeSet empty() {
        return EMPTY;
    }

    /**
     * Parses granted scopes (wildcards allowed); duplicates collapse.
     *
     * @throws InvalidConfigurationException naming the first invalid scope
     */
    public static ScopeSet parse(Collection<String> texts) {
        TreeSet<Scope> set = new TreeSet<>();
        for (String t : texts) {
            set.add(Scope.parse(t));
        }
        return of(set);
    }

    /** Parses granted scopes. */
    public static ScopeSet parse(String... texts) {
        return parse(List.of(texts));
    }

    /** A set of already parsed scopes. */
    public static ScopeSet of(Collection<Scope> scopes) {
        if (scopes.isEmpty()) {
            return EMPTY;
        }
        return new ScopeSet(new TreeSet<>(scopes).toArray(new Scope[0]));
    }

    /** True if some granted scope grants {@code required}. */
    public boolean allows(Scope required) {
        for (Scope s : scopes) {
            if (s.grants(required)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True if {@code name} parses as a required scope and is allowed; any other string is simply not
     * allowed (for {@code isUserInRole}, which may receive role names that are not scopes).
     */
    public boolean allowsName(String name) {
        try {
            return allows(Scope.parseRequired(name));
        } catch (InvalidConfigurationException e) {
            return false;
        }
    }

    /** The scopes, sorted. */
    public Set<Scope> asSet() {
        return Set.of(scopes);
    }

    /** The scopes' text forms, sorted. */
    public List<String> names() {
        List<String> out = new ArrayList<>(scopes.length);
        for (Scope s : scopes) {
            out.add(s.value());
        }
        return out;
    }

    /** True if no scope is granted. */
    public boolean isEmpty() {
        return scopes.length == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScopeSet s && java.util.Arrays.equals(s.scopes, scopes);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(scopes);
    }

    @Override
    public String toString() {
        return names().toString();
    }
}
