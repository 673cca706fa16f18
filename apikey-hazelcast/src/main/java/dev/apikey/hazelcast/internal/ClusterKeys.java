package dev.apikey.hazelcast.internal;

import com.hazelcast.core.HazelcastInstance;
import dev.apikey.KeyRecord;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * The keys derived from the deployment's cluster secret, each with its own label so the secret itself is
 * never used as a key and one purpose's MACs are worthless for another: record MACs, entry-processor tags
 * and the cluster-name suffix. Members find theirs in the config's user context (never serialized, so the
 * secret never travels); clients and stores hold theirs directly.
 */
public final class ClusterKeys {
    /** The user-context entry under which {@code ApiKeyHazelcast.configure} leaves a member's keys. */
    public static final String CONTEXT_KEY = "dev.apikey.hazelcast.ClusterKeys";

    private final byte[] recordKey;
    private final byte[] tagKey;
    private final byte[] nameKey;
    private final ThreadLocal<Mac> recordMac;
    private final ThreadLocal<Mac> tagMac;

    private ClusterKeys(byte[] secret) {
        this.recordKey = hmac(secret, "apikey record mac v1");
        this.tagKey = hmac(secret, "apikey processor tag v1");
        this.nameKey = hmac(secret, "apikey cluster name v1");
        this.recordMac = ThreadLocal.withInitial(() -> mac(recordKey));
        this.tagMac = ThreadLocal.withInitial(() -> mac(tagKey));
    }

    /** The keys of {@code secret} (at least 32 bytes; the options check it). */
    public static ClusterKeys of(byte[] secret) {
        return new ClusterKeys(secret);
    }

    /**
     * The keys a member was configured with.
     *
     * @throws IllegalStateException if the member was not configured by {@code ApiKeyHazelcast.configure}
     */
    public static ClusterKeys of(HazelcastInstance member) {
        Object keys = member == null ? null : member.getUserContext().get(CONTEXT_KEY);
        if (keys instanceof ClusterKeys k) {
            return k;
        }
        throw new IllegalStateException("this member holds no apikey cluster secret: configure it with"
                + " ApiKeyHazelcast.configure(config, options)");
    }

    /** The MAC of {@code record} stored under {@code mapKey}. */
    public byte[] recordMac(String mapKey, KeyRecord record) {
        return recordMac.get().doFinal(RecordContent.encode(mapKey, record));
    }

    /** True if {@code mac} is the MAC of {@code record} under {@code mapKey}; compared in constant time. */
    public boolean verifyRecord(String mapKey, KeyRecord record, byte[] mac) {
        return mac != null && MessageDigest.isEqual(recordMac(mapKey, record), mac);
    }

    /** The tag that authorises running processor {@code type} on {@code mapKey} with {@code args}. */
    byte[] tag(String type, Object mapKey, Canonical args) {
        Mac m = tagMac.get();
        m.update(new Canonical("apikey processor v1").field("type", type).field("key", mapKey).toByteArray());
        return m.doFinal(args.toByteArray());
    }

    /** True if {@code tag} authorises the call; compared in constant time. */
    boolean verifyTag(byte[] tag, String type, Object mapKey, Canonical args) {
        return tag != null && MessageDigest.isEqual(tag(type, mapKey, args), tag);
    }

    /** {@code base} with a suffix only holders of the secret can compute. */
    public String clusterName(String base) {
        byte[] h = hmac(nameKey, base);
        return base + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(h, 16));
    }

    /** The id of the write guard of map {@code mapName}. */
    int guardId(String mapName) {
        byte[] h = hmac(nameKey, "guard:" + mapName);
        return (h[0] & 0xff) << 24 | (h[1] & 0xff) << 16 | (h[2] & 0xff) << 8 | (h[3] & 0xff);
    }

    /** True if {@code other} was derived from the same secret. */
    public boolean sameSecretAs(ClusterKeys other) {
        return other != null && MessageDigest.isEqual(recordKey, other.recordKey);
    }

    private static byte[] hmac(byte[] key, String text) {
        return mac(key).doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Mac mac(byte[] key) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "ClusterKeys[…]";
    }
}
