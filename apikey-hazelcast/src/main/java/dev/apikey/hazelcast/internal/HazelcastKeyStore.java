package dev.apikey.hazelcast.internal;

import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyDigest;
import dev.apikey.KeyRecord;
import dev.apikey.spi.DuplicateKeyException;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.VersionConflictException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The cluster key store: records in an IMap keyed by the digest's text form (read through the near cache),
 * plus an id-to-digest map. Records are never removed; revocation is an update to a REVOKED tombstone.
 */
public final class HazelcastKeyStore implements KeyStore {
    private final IMap<String, KeyRecord> registry;
    private final IMap<String, String> ids;
    private final IMap<String, Object> registryRaw;
    private final IMap<String, Object> idsRaw;
    private final Ops ops;
    private final Executor blockingCalls;

    /**
     * @param registry      digest to record
     * @param ids           id to digest
     * @param ops           timeout and failure handling
     * @param blockingCalls runs the calls Hazelcast offers only synchronously (queries), so they can be bounded
     */
    public HazelcastKeyStore(IMap<String, KeyRecord> registry, IMap<String, String> ids, Ops ops, Executor blockingCalls) {
        this.registry = registry;
        this.ids = ids;
        this.registryRaw = raw(registry);
        this.idsRaw = raw(ids);
        this.ops = ops;
        this.blockingCalls = blockingCalls;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static IMap<String, Object> raw(IMap<String, ?> map) {
        return (IMap) map;
    }

    @Override
    public Optional<KeyRecord> findByDigest(KeyDigest digest) {
        String key = digest.encoded();
        return Optional.ofNullable(ops.await("findByDigest", () -> registry.getAsync(key)));
    }

    @Override
    public Optional<KeyRecord> findById(String id) {
        if (id == null) {
            return Optional.empty();
        }
        String digest = ops.await("findById", () -> ids.getAsync(id));
        if (digest == null) {
            return Optional.empty();
        }
        KeyRecord r = ops.await("findById", () -> registry.getAsync(digest));
        return r != null && r.id().equals(id) ? Optional.of(r) : Optional.empty();
    }

    @Override
    public KeyRecord create(KeyRecord record) {
        KeyRecord stored = record.toBuilder().version(1).build();
        String digest = record.digest().encoded();
        // Claim the id first, then the digest; release the id if the digest is taken.
        if (!ops.await("create", () -> idsRaw.submitToKey(record.id(), new PutIfAbsentProcessor(digest)))) {
            throw new DuplicateKeyException(record.id());
        }
        if (!ops.await("create", () -> registryRaw.submitToKey(digest, new PutIfAbsentProcessor(stored)))) {
            ops.await("create", () -> ids.removeAsync(record.id()));
            throw new DuplicateKeyException(record.id());
        }
        return stored;
    }

    @Override
    public KeyRecord update(KeyRecord record) {
        String digest = ops.await("update", () -> ids.getAsync(record.id()));
        if (digest == null) {
            throw new VersionConflictException(record.id());
        }
        if (!digest.equals(record.digest().encoded())) {
            throw new InvalidConfigurationException("the digest of record " + record.id() + " cannot change");
        }
        Long prior = ops.await("update", () -> registry.submitToKey(digest, new UpdateRecordProcessor(record)));
        if (prior == null) {
            throw new VersionConflictException(record.id());
        }
        if (prior != record.version()) {
            throw new VersionConflictException(record.id(), record.version(), prior);
        }
        return record.toBuilder().version(prior + 1).build();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here a read and a versioned update, as last-used was written before the method existed, so this
     * one does move the version; a lost race is dropped, last-used being advisory.
     */
    @Override
    public void recordUse(String id, Instant at) {
        KeyRecord current = findById(id).orElse(null);
        if (current == null || (current.lastUsed() != null && !current.lastUsed().isBefore(at))) {
            return;
        }
        try {
            update(current.toBuilder().lastUsed(at).build());
        } catch (VersionConflictException e) {
            // Another change won the race; the next use records the time again.
        }
    }

    @Override
    public List<KeyRecord> list(KeyQuery query) {
        Predicate<String, KeyRecord> predicate = query.owner() != null ? Predicates.equal("owner", query.owner())
                : query.tenant() != null ? Predicates.equal("tenant", query.tenant()) : null;
        Collection<KeyRecord> values = ops.await("list", () -> CompletableFuture.supplyAsync(
                () -> predicate == null ? registry.values() : registry.values(predicate), blockingCalls));
        List<KeyRecord> out = new ArrayList<>(values.size());
        for (KeyRecord r : values) {
            if (query.matches(r)) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "HazelcastKeyStore[" + registry.getName() + "]";
    }
}
