package dev.apikey.hazelcast.internal;

import com.hazelcast.config.Config;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import dev.apikey.hazelcast.HazelcastOptions;

/**
 * Hazelcast split-brain protection for the registry: with a minimum cluster size set, operations on a side of a
 * split that holds fewer members fail (Hazelcast's SplitBrainProtectionException), which the store turns into
 * StoreUnavailableException and the verifier into 503. The side keeps refusing until the split heals.
 */
public final class SplitBrainProtection {
    private SplitBrainProtection() {
    }

    /** Adds the protection to {@code config} and returns its name, or {@code null} if the options ask for none. */
    public static String configure(Config config, HazelcastOptions options) {
        int size = options.minimumClusterSize();
        if (size <= 0) {
            return null;
        }
        String name = "apikey-min-" + size;
        config.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(name, true, size)
                .setProtectOn(SplitBrainProtectionOn.READ_WRITE));
        return name;
    }
}
