package dev.apikey.hazelcast.internal;

import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.DistributedObjectEvent;
import com.hazelcast.core.DistributedObjectListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.IMap;

import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Puts a {@link WriteGuard} on every apikey map as soon as it exists on this member, whoever created it (the
 * application, a client, or Hazelcast re-creating a destroyed map). {@code ApiKeyHazelcast.from} also installs
 * the guards itself before it returns, so the maps an application uses are guarded before its first request.
 * A destroyed map is logged: destroying is one of the calls open-source Hazelcast lets any client make.
 */
public final class GuardInstaller implements DistributedObjectListener, HazelcastInstanceAware {
    private static final Logger LOG = Logger.getLogger(GuardInstaller.class.getName());
    private static final String MAP_SERVICE = "hz:impl:mapService";

    private final Pattern names;
    private volatile HazelcastInstance instance;

    /** @param prefix the options' map-name prefix, possibly with one {@code *} */
    public GuardInstaller(String prefix) {
        this.names = namesOf(prefix);
    }

    /** The names of the apikey maps under {@code prefix}. */
    static Pattern namesOf(String prefix) {
        String[] parts = prefix.split("\\*", -1);
        StringBuilder re = new StringBuilder(Pattern.quote(parts[0]));
        if (parts.length > 1) {
            re.append(".*").append(Pattern.quote(parts[1]));
        }
        return Pattern.compile(re + "\\.(registry|ids|ratelimits|counters)");
    }

    /** Guards {@code map} (again: the guard's id is fixed, so a second installation changes nothing). */
    public static void install(ClusterKeys keys, IMap<?, ?> map) {
        map.addInterceptor(WriteGuard.forMap(keys, map.getName()));
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        this.instance = instance;
    }

    @Override
    public void distributedObjectCreated(DistributedObjectEvent event) {
        DistributedObject o = event.getDistributedObject();
        HazelcastInstance hz = instance;
        if (hz == null || !MAP_SERVICE.equals(event.getServiceName()) || !names.matcher(String.valueOf(event.getObjectName())).matches()) {
            return;
        }
        try {
            install(ClusterKeys.of(hz), (IMap<?, ?>) o);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "apikey: could not guard map " + event.getObjectName() + ": " + e);
        }
    }

    @Override
    public void distributedObjectDestroyed(DistributedObjectEvent event) {
        if (MAP_SERVICE.equals(event.getServiceName()) && names.matcher(String.valueOf(event.getObjectName())).matches()) {
            LOG.log(Level.WARNING, "apikey: map " + event.getObjectName() + " was destroyed; its entries are gone"
                    + " (keys answer 401 until re-issued); a new map is guarded again");
        }
    }
}
