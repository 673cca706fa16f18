package dev.apikey.hazelcast.internal;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.JavaSerializationFilterConfig;

/**
 * Java deserialization filters for the cluster. Nothing of apikey travels as Java serialization (everything is
 * Compact), so a Java-serialized object a member or client receives can only be an attack, such as a
 * deserialization gadget chain, and is refused before its class is even loaded.
 */
public final class SerializationFilters {
    private SerializationFilters() {
    }

    /**
     * For members: only the JDK's {@code java.lang} and {@code java.util} classes and Hazelcast's own, which
     * members need to send each other exceptions (Hazelcast ships them as Java-serialized throwables), plus
     * apikey's {@link WriteRefusedException}. Hazelcast's default whitelist ({@code java*}, arrays, Hazelcast's)
     * is off, so {@code javax.management}, {@code java.net}, {@code com.sun}, {@code sun} and every library on
     * the classpath are refused.
     */
    public static JavaSerializationFilterConfig member() {
        JavaSerializationFilterConfig c = new JavaSerializationFilterConfig().setDefaultsDisabled(true);
        c.setWhitelist(new ClassFilter()
                .addPrefixes("com.hazelcast.", "java.lang.", "java.util.", "[Ljava.lang.", "[Lcom.hazelcast.")
                .addClasses(WriteRefusedException.class.getName()));
        return c;
    }

    /** For clients: nothing (a client receives exceptions as error codes, and every apikey value is Compact). */
    public static JavaSerializationFilterConfig client() {
        JavaSerializationFilterConfig c = new JavaSerializationFilterConfig().setDefaultsDisabled(true);
        // A whitelist must be non-empty to be applied; this entry names no class that can exist.
        c.setWhitelist(new ClassFilter().addClasses("dev.apikey.hazelcast.internal.NoJavaSerialization"));
        return c;
    }
}
