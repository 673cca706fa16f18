package dev.apikey;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a key into the digest that stores keep: SHA-256 of the whole key by default, or HMAC-SHA256
 * with a versioned {@link Pepper}. During a pepper change the previous peppers stay listed, so
 * {@link #lookupDigests} yields a digest under each and keys issued before the change still verify.
 * Thread-safe; digests reuse one {@link MessageDigest} or {@link Mac} per thread.
 */
public final class KeyHasher {
    private static final KeyHasher SHA256 = new KeyHasher(null, List.of());
    private static final ThreadLocal<MessageDigest> SHA256_DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    });

    private final Pepper current;
    private final List<Pepper> previous;
    private final List<ThreadLocal<Mac>> macs;
    private final List<String> schemes;

    private KeyHasher(Pepper current, List<Pepper> previous) {
        this.current = current;
        this.previous = List.copyOf(previous);
        List<ThreadLocal<Mac>> m = new ArrayList<>();
        List<String> s = new ArrayList<>();
        if (current != null) {
            m.add(macFor(current));
            s.add("hmac-v" + current.version());
            for (Pepper p : previous) {
                m.add(macFor(p));
                s.add("hmac-v" + p.version());
            }
        } else {
            s.add("sha256");
        }
        this.macs = List.copyOf(m);
        this.schemes = List.copyOf(s);
    }

    /** Plain SHA-256 of the key (the default). */
    public static KeyHasher sha256() {
        return SHA256;
    }

    /**
     * HMAC-SHA256 with {@code current}; keys hashed with any of {@code previous} still verify.
     *
     * @throws InvalidConfigurationException if two peppers share a version
     */
    public static KeyHasher hmac(Pepper current, Pepper... previous) {
        Objects.requireNonNull(current, "current pepper");
        List<Pepper> prev = List.of(previous);
        java.util.Set<Integer> versions = new java.util.HashSet<>();
        versions.add(current.version());
        for (Pepper p : prev) {
            if (!versions.add(p.version())) {
                throw new InvalidConfigurationException("pepper version " + p.version() + " is given twice");
            }
        }
        return new KeyHasher(current, prev);
    }

    /** The digest under the current scheme; new and rotated keys are stored with it. */
    public KeyDigest digest(ApiKey key) {
        return digestAt(0, key.bytesForHashing());
    }

    /**
     * Digests to look a key up by, current scheme first. Has one element unless peppers are being rotated.
     */
    public List<KeyDigest> lookupDigests(ApiKey key) {
        byte[] b = key.bytesForHashing();
        if (schemes.size() == 1) {
            return List.of(digestAt(0, b));
        }
        List<KeyDigest> out = new ArrayList<>(schemes.size());
        for (int i = 0; i < schemes.size(); i++) {
            out.add(digestAt(i, b));
        }
        return out;
    }

    /** How many schemes {@link #lookupDigests} tries (1 unless peppers are being rotated). */
    public int schemeCount() {
        return schemes.size();
    }

    /** The digest of {@code key} under scheme number {@code index} (0 is current). */
    public KeyDigest digestAt(int index, ApiKey key) {
        return digestAt(index, key.bytesForHashing());
    }

    /** The digest under scheme number {@code index} (0 is current) of the given key bytes. */
    public KeyDigest digestAt(int index, byte[] keyBytes) {
        if (current == null) {
            return KeyDigest.wrap("sha256", SHA256_DIGEST.get().digest(keyBytes), 0);
        }
        Mac mac = macs.get(index).get();
        return KeyDigest.wrap(schemes.get(index), mac.doFinal(keyBytes), 0);
    }

    /** The scheme new digests get: {@code sha256} or {@code hmac-v<N>}. */
    public String currentScheme() {
        return schemes.get(0);
    }

    private static ThreadLocal<Mac> macFor(Pepper p) {
        SecretKeySpec spec = new SecretKeySpec(p.secretUnsafe(), "HmacSHA256");
        return ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(spec);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK has no HmacSHA256", e);
            }
        });
    }

    @Override
    public String toString() {
        return "KeyHasher" + schemes;
    }
}
