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
import dev.apikey.spi.StoreStatistics;
import dev.apikey.spi.StoreUnavailableException;
import dev.apikey.spi.VersionConflictException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster key store: sealed records in an IMap keyed by the digest's text form (read through the near
 * cache), plus an id-to-digest map. Records are never removed; revocation is an update to a REVOKED tombstone.
 * Every write goes through a tagged entry processor; every read checks the record's MAC, and a record whose MAC
 * fails is treated as absent and logged (with its key id, never its digest).
 */
public final class HazelcastKeyStore implements KeyStore, StoreStatistics {
    private static final Logger LOG = Logger.getLogger(HazelcastKeyStore.class.getName());

    private final IMap<String, SealedRecord> registry;
    private final IMap<String, String> ids;
    private final IMap<String, Object> registryRaw;
    private final IMap<String, Object> idsRaw;
    private final ClusterKeys keys;
    private final Ops ops;
    private final Executor blockingCalls;

    /**
     * @param registry      digest to sealed record
     * @param ids           id to digest
     * @param keys          the cluster secret's keys, to seal and check records
     * @param ops           timeout and failure handling
     * @param blockingCalls runs the calls Hazelcast offers only synchronously (queries), so they can be bounded
     */
    public HazelcastKeyStore(IMap<String, SealedRecord> registry, IMap<String, String> ids, ClusterKeys keys, Ops ops,
            Executor blockingCalls) {
        this.registry = registry;
        this.ids = ids;
        this.registryRaw = raw(registry);
        this.idsRaw = raw(ids);
        this.keys = keys;
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
        return checked(key, ops.await("findByDigest", () -> registry.getAsync(key)));
    }

    @Override
    public Optional<KeyRecord> findById(String id) {
        if (id == null) {
            return Optional.empty();
        }
        String digest = ops.await("findById", () -> ids.getAsync(id));
        if (digest != null) {
            Optional<KeyRecord> r = checked(digest, ops.await("findById", () -> registry.getAsync(digest)));
            if (r.isPresent() && r.get().id().equals(id)) {
                return r;
            }
        }
        return byIdQuery(id);
    }

    /**
     * The id map is a shortcut: a record whose id entry is missing or points elsewhere (a client could evict
     * it, to keep an administrator from finding a key to revoke) is still found, by the indexed id.
     */
    private Optional<KeyRecord> byIdQuery(String id) {
        Collection<Map.Entry<String, SealedRecord>> hits = ops.await("findById", () -> CompletableFuture.supplyAsync(
                () -> registry.entrySet(Predicates.equal("id", id)), blockingCalls));
        for (Map.Entry<String, SealedRecord> e : hits) {
            Optional<KeyRecord> r = checked(e.getKey(), e.getValue());
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }

    private Optional<KeyRecord> checked(String mapKey, SealedRecord sealed) {
        if (sealed == null) {
            return Optional.empty();
        }
        if (sealed.verify(keys, mapKey)) {
            return Optional.of(sealed.record());
        }
        LOG.log(Level.WARNING, "apikey: the cluster registry holds a record of key " + sealed.record().id()
                + " whose MAC fails; treated as absent (written without the cluster secret, or by a member with"
                + " another secret)");
        return Optional.empty();
    }

    /** The registry's entries across the cluster (records and tombstones), as the cluster counts them. */
    @Override
    public long recordCount() {
        try {
            return registry.size();
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("counting: the Hazelcast cluster did not answer", e);
        }
    }

    @Override
    public KeyRecord create(KeyRecord record) {
        KeyRecord stored = Micros.of(record).toBuilder().version(1).build();
        String digest = record.digest().encoded();
        // Claim the id first, then the digest. The id map refuses removals, so an id whose digest turns out to be
        // taken stays claimed, pointing at a record of another id, which findById ignores.
        if (!ops.await("create", () -> idsRaw.submitToKey(record.id(), PutIfAbsentProcessor.of(keys, record.id(), digest)))) {
            throw new DuplicateKeyException(record.id());
        }
        SealedRecord sealed = SealedRecord.seal(keys, stored);
        if (!ops.await("create", () -> registryRaw.submitToKey(digest, PutIfAbsentProcessor.of(keys, digest, sealed)))) {
            throw new DuplicateKeyException(record.id());
        }
        return stored;
    }

    @Override
    public KeyRecord update(KeyRecord record) {
        String digest = ops.await("update", () -> ids.getAsync(record.id()));
        if (digest == null) {
            digest = byIdQuery(record.id()).map(r -> r.digest().encoded()).orElse(null);
        }
        if (digest == null) {
            throw new VersionConflictException(record.id());
        }
        if (!digest.equals(record.digest().encoded())) {
            throw new InvalidConfigurationException("the digest of record " + record.id() + " cannot change");
        }
        KeyRecord next = Micros.of(record).toBuilder().version(record.version() + 1).build();
        SealedRecord sealed = SealedRecord.seal(keys, next);
        String key = digest;
        Long prior;
        try {
            prior = ops.await("update", () -> registryRaw.submitToKey(key, UpdateRecordProcessor.of(keys, key, sealed)));
        } catch (RuntimeException e) {
            if (WriteRefused.in(e)) {
                throw new InvalidConfigurationException("record " + record.id() + " cannot change that way: "
                        + WriteRefused.message(e));
            }
            throw e;
        }
        if (prior == null) {
            throw new VersionConflictException(record.id());
        }
        if (prior != record.version()) {
            throw new VersionConflictException(record.id(), record.version(), prior);
        }
        return next;
    }

    @Override
    public void recordUse(String id, Instant at) {
        String digest = ops.await("recordUse", () -> ids.getAsync(id));
        if (digest != null) {
            ops.await("recordUse", () -> registryRaw.submitToKey(digest, RecordUseProcessor.of(keys, digest, id, at)));
        }
    }

    @Override
    public List<KeyRecord> list(KeyQuery query) {
        Predicate<String, SealedRecord> predicate = query.owner() != null ? Predicates.equal("owner", query.owner())
                : query.tenant() != null ? Predicates.equal("tenant", query.tenant()) : Predicates.alwaysTrue();
        if (query.after() != null) {
            predicate = Predicates.and(predicate, Predicates.greaterThan("id", query.after()));
        }
        Predicate<String, SealedRecord> selected = predicate;
        Collection<Map.Entry<String, SealedRecord>> entries = ops.await("list", () -> CompletableFuture.supplyAsync(
                () -> registry.entrySet(selected), blockingCalls));
        List<KeyRecord> checked = new ArrayList<>(entries.size());
        for (Map.Entry<String, SealedRecord> e : entries) {
            checked(e.getKey(), e.getValue()).ifPresent(checked::add);
        }
        // The members answer in no order: the page is cut here, after the records are checked and sorted by id.
        return query.page(checked);
    }

    @Override
    public String toString() {
        return "HazelcastKeyStore[" + registry.getName() + "]";
    }
}
