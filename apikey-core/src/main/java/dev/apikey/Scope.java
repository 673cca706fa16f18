package dev.apikey;

/**
 * A permission such as {@code billing:read}: segments of {@code [A-Za-z0-9_.-]} separated by {@code :},
 * at least {@code resource:action}. A granted scope may end in the wildcard {@code *}
 * ({@code billing:*} grants every {@code billing:...}; {@code *} alone grants everything). A required
 * scope never contains a wildcard. Parsing happens once (configuration, records), never per request.
 */
public final class Scope implements Comparable<Scope> {
    /** The scope that grants everything. */
    public static final Scope ALL = new Scope("*", new String[] {"*"});
    private static final int MAX_LENGTH = 128;

    private final String value;
    private final String[] segments;

    private Scope(String value, String[] segments) {
        this.value = value;
        this.segments = segments;
    }

    /**
     * Parses a scope that a key may be granted (wildcards allowed in the last segment).
     *
     * @throws InvalidConfigurationException naming the scope and the rule it breaks
     */
    public static Scope parse(String text) {
        return parse(text, true);
    }

    /**
     * Parses a scope that a request may require (no wildcards).
     *
     * @throws InvalidConfigurationException naming the scope and the rule it breaks
     */
    public static Scope parseRequired(String text) {
        return parse(text, false);
    }

    private static Scope parse(String text, boolean wildcardAllowed) {
        if (text == null || text.isEmpty()) {
            throw new InvalidConfigurationException("scope is empty; expected resource:action such as billing:read");
        }
        if (text.length() > MAX_LENGTH) {
            throw new InvalidConfigurationException("scope is longer than " + MAX_LENGTH + " chars");
        }
        if (text.equals("*")) {
            if (!wildcardAllowed) {
                throw new InvalidConfigurationException("a required scope cannot be the wildcard '*'");
            }
            return ALL;
        }
        String[] parts = text.split(":", -1);
        if (parts.length < 2) {
            throw new InvalidConfigurationException(
                    "scope '" + Text.safe(text) + "' must be resource:action such as billing:read");
        }
        for (int i = 0; i < parts.length; i++) {
            String seg = parts[i];
            if (seg.equals("*")) {
                if (!wildcardAllowed) {
                    throw new InvalidConfigurationException(
                            "required scope '" + Text.safe(text) + "' cannot contain a wildcard");
                }
                if (i != parts.length - 1) {
                    throw new InvalidConfigurationException(
                            "scope '" + Text.safe(text) + "': the wildcard '*' may only be the last segment");
                }
                continue;
            }
            if (seg.isEmpty()) {
                throw new InvalidConfigurationException("scope '" + Text.safe(text) + "' has an empty segment");
            }
            for (int j = 0; j < seg.length(); j++) {
                char c = seg.charAt(j);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '_' || c == '-' || c == '.';
                if (!ok) {
                    throw new InvalidConfigurationException("scope '" + Text.safe(text)
                            + "' contains a character outside [A-Za-z0-9_.-:*]");
                }
            }
        }
        return new Scope(text, parts);
    }

    /** True if this scope ends in a wildcard. */
    public boolean isWildcard() {
        return segments[segments.length - 1].equals("*");
    }

    /** True if holding this scope satisfies a requirement of {@code required}. */
    public boolean grants(Scope required) {
        if (this == ALL) {
            return true;
        }
        if (!isWildcard()) {
            return value.equals(required.value);
        }
        int fixed = segments.length - 1;
        if (required.segments.length <= fixed) {
            return false;
        }
        for (int i = 0; i < fixed; i++) {
            if (!segments[i].equals(required.segments[i])) {
                return false;
            }
        }
        return true;
    }

    /** The text form, e.g. {@code billing:read}. */
    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scope s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public int compareTo(Scope o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
