package dev.apikey.hazelcast.internal;

import dev.apikey.KeyStatus;

/**
 * What a member accepts as the next value of a registry entry, whoever sends it: a record sealed by a holder
 * of the cluster secret for this very map key, of the same key id, never of an earlier version, and never
 * anything but a tombstone once the entry is one. Equal versions are accepted only for the same sealed
 * content (a {@code lastUsed} change, which the MAC does not cover).
 */
final class RegistryRules {
    private RegistryRules() {
    }

    static void checkReplacement(ClusterKeys keys, String mapKey, Object current, SealedRecord next) {
        if (!next.verify(keys, mapKey)) {
            throw new WriteRefusedException("a registry record whose MAC fails was refused");
        }
        if (!(current instanceof SealedRecord cur) || !cur.verify(keys, mapKey)) {
            return;
        }
        if (!cur.record().id().equals(next.record().id())) {
            throw new WriteRefusedException("a registry entry cannot change its key id");
        }
        long was = cur.record().version();
        long now = next.record().version();
        if (now < was || (now == was && !java.security.MessageDigest.isEqual(cur.mac(), next.mac()))) {
            throw new WriteRefusedException("a registry record must have a higher version than the stored one");
        }
        if (cur.record().status() == KeyStatus.REVOKED && next.record().status() != KeyStatus.REVOKED) {
            throw new WriteRefusedException("a revoked key stays revoked");
        }
    }
}
