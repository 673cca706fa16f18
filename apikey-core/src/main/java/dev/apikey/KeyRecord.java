package dev.apikey;

import dev.apikey.internal.Interner;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything stored about one key; never the plaintext. Immutable: changes go through
 * {@link #toBuilder()} and {@link dev.apikey.spi.KeyStore#update}, which checks {@link #version()}.
 *
 * @param id              public id ({@code key_...}), used in logs, audit events and admin calls
 * @param digest          the key's digest, the lookup key
 * @param hint            display hint ({@code ak_live_…x9Qz})
 * @param owner           who the key was issued to (an application or team), 1-128 printable chars
 * @param tenant          optional tenant, or {@code null}
 * @param environment     live or test
 * @param scopes          granted scopes
 * @param allowedCidrs    networks the key may be used from; empty means anywhere
 * @param created         when the key was issued
 * @param notBefore       the key is not valid before this instant, or {@code null}
 * @param expires         the key is not valid from this instant on, or {@code null} for no expiry
 * @param status          lifecycle status
 * @param rateLimitPolicy the key's limits, or {@code null} to use the deployment's default policy
 * @param quota           requests per calendar day or month, or {@code null}
 * @param credits         total uses allowed over the key's life, or {@code null} for unlimited
 * @param creditsPer      whose uses the credits count: the key's own ({@link Per#KEY}, also for {@code null}), or
 *                        every key of its owner or tenant, which then share one lifetime balance
 * @param labels          free-form metadata (at most 32 entries)
 * @param description     what the key is for (its purpose), 1-{@value #MAX_DESCRIPTION} printable chars, or
 *                        {@code null}; the key review reports a live key without one
 * @param reviewAfter     the day (UTC) from which the key review reports the key as due for review, or {@code null}
 * @param lastUsed        when the key was last accepted (recorded at most once a minute), or {@code null}
 * @param replaces        id of the key this one succeeded by rotation, or {@code null}
 * @param replacedBy      id of this key's successor, or {@code null}
 * @param lineage         id of the first key of this key's rotation chain (its own id unless it succeeded another
 *                        key); rate limits, quotas and credits are counted per lineage, so a successor continues
 *                        its predecessor's usage. {@code null} reads as the own id, as in records stored before
 *                        the field existed
 * @param legacy          an imported key that does not follow the key format (see {@code KeyManager.importKey}): its
 *                        digest is a plain SHA-256 of the credential, it verifies only when the verifier's legacy
 *                        path is on, and the key review reports it until it is rotated to a key of the format
 * @param version         optimistic-concurrency version, 0 for a record not yet stored
 */
public record KeyRecord(
        String id,
        KeyDigest digest,
        String hint,
        String owner,
        String tenant,
        Environment environment,
        ScopeSet scopes,
        List<Cidr> allowedCidrs,
        Instant created,
        Instant notBefore,
        Instant expires,
        KeyStatus status,
        RateLimitPolicy rateLimitPolicy,
        Quota quota,
        Long credits,
        Per creditsPer,
        Map<String, String> labels,
        String description,
        LocalDate reviewAfter,
        Instant lastUsed,
        String replaces,
        String replacedBy,
        String lineage,
        boolean legacy,
        long version) {

    /** Validates every field and copies the collections. */
    public KeyRecord {
        KeyIds.check(id, "id");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(hint, "hint");
        RecordText.checkName(owner, "owner");
        if (tenant != null) {
            RecordText.checkName(tenant, "tenant");
        }
        Objects.requireNonNull(environment, "environment");
        scopes = scopes == null ? ScopeSet.empty() : SCOPE_SETS.intern(scopes);
        owner = NAMES.intern(owner);
        tenant = NAMES.intern(tenant);
        creditsPer = creditsPer == null || credits == null ? Per.KEY : creditsPer;
        if (tenant == null && (rateLimitPolicy != null && rateLimitPolicy.counts(Per.TENANT)
                || quota != null && quota.per() == Per.TENANT || creditsPer == Per.TENANT)) {
            throw new InvalidConfigurationException("a limit counted per tenant needs a key with a tenant");
        }
        // Keys share a few plans: one policy instance per plan keeps the limiter's and the RateLimit headers'
        // identity checks hits, and the verify path off a million copies spread over the heap.
        rateLimitPolicy = POLICIES.intern(rateLimitPolicy);
        allowedCidrs = allowedCidrs == null ? List.of() : List.copyOf(allowedCidrs);
        Objects.requireNonNull(created, "created");
        if (notBefore != null && expires != null && !notBefore.isBefore(expires)) {
            throw new InvalidConfigurationException("notBefore must be before expires");
        }
        Objects.requireNonNull(status, "status");
        if (credits != null && credits < 0) {
            throw new InvalidConfigurationException("credits must be >= 0, got " + credits);
        }
        labels = labels == null || labels.isEmpty() ? Map.of() : Map.copyOf(new TreeMap<>(labels));
        if (labels.size() > 32) {
            throw new InvalidConfigurationException("a key holds at most 32 labels, got " + labels.size());
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            RecordText.checkLabel(e.getKey(), e.getValue());
        }
        if (description != null) {
            RecordText.checkDescription(description);
        }
        if (replaces != null) {
            KeyIds.check(replaces, "replaces");
        }
        if (replacedBy != null) {
            KeyIds.check(replacedBy, "replacedBy");
        }
        // The own id instance, not an equal copy: most keys were never rotated, and their lineage costs no string.
        if (lineage == null || lineage.equals(id)) {
            lineage = id;
        } else {
            KeyIds.check(lineage, "lineage");
        }
        if (version < 0) {
            throw new InvalidConfigurationException("version must be >= 0");
        }
    }

    /** The longest {@link #description()}, in chars. */
    public static final int MAX_DESCRIPTION = 512;

    private static final Interner<ScopeSet> SCOPE_SETS = new Interner<>(10_000);
    private static final Interner<String> NAMES = new Interner<>(100_000);
    private static final Interner<RateLimitPolicy> POLICIES = new Interner<>(10_000);

    /** Why a key cannot be used at some instant, or {@link Usability#USABLE}. */
    public enum Usability {
        /** Active and inside its validity window. */
        USABLE,
        /** Revoked. */
        REVOKED,
        /** Suspended. */
        SUSPENDED,
        /** Before its not-before instant. */
        NOT_YET_VALID,
        /** At or after its expiry. */
        EXPIRED
    }

    /** Whether the key may be used at {@code now}, considering status, not-before and expiry. */
    public Usability usabilityAt(Instant now) {
        return usabilityAt(now.getEpochSecond(), now.getNano());
    }

    /** Compared as (seconds, nanos) so that far-away not-before or expiry instants cannot overflow. */
    private Usability usabilityAt(long sec, int nano) {
        if (status == KeyStatus.REVOKED) {
            return Usability.REVOKED;
        }
        if (status == KeyStatus.SUSPENDED) {
            return Usability.SUSPENDED;
        }
        if (notBefore != null && isBefore(sec, nano, notBefore)) {
            return Usability.NOT_YET_VALID;
        }
        if (expires != null && !isBefore(sec, nano, expires)) {
            return Usability.EXPIRED;
        }
        return Usability.USABLE;
    }

    private static boolean isBefore(long sec, int nano, Instant t) {
        return sec < t.getEpochSecond() || (sec == t.getEpochSecond() && nano < t.getNano());
    }

    /** A builder holding this record's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** An empty builder; {@code created} and {@code status} default to now (set explicitly) and ACTIVE. */
    public static Builder builder() {
        return new Builder();
    }

    /** Shows the id, hint, owner and status; never the digest. */
    @Override
    public String toString() {
        return "KeyRecord[id=" + id + ", hint=" + hint + ", owner=" + owner + ", status=" + status
                + ", environment=" + environment + ", scopes=" + scopes + ", version=" + version + "]";
    }

    /** Builder for {@link KeyRecord}; {@link #build()} runs the record's validation. */
    public static final class Builder {
        private String id;
        private KeyDigest digest;
        private String hint;
        private String owner;
        private String tenant;
        private Environment environment = Environment.LIVE;
        private ScopeSet scopes = ScopeSet.empty();
        private List<Cidr> allowedCidrs = List.of();
        private Instant created;
        private Instant notBefore;
        private Instant expires;
        private KeyStatus status = KeyStatus.ACTIVE;
        private RateLimitPolicy rateLimitPolicy;
        private Quota quota;
        private Long credits;
        private Per creditsPer;
        private Map<String, String> labels = Map.of();
        private String description;
        private LocalDate reviewAfter;
        private Instant lastUsed;
        private String replaces;
        private String replacedBy;
        private String lineage;
        private boolean legacy;
        private long version;

        private Builder() {
        }

        private Builder(KeyRecord r) {
            id = r.id;
            digest = r.digest;
            hint = r.hint;
            owner = r.owner;
            tenant = r.tenant;
            environment = r.environment;
            scopes = r.scopes;
            allowedCidrs = r.allowedCidrs;
            created = r.created;
            notBefore = r.notBefore;
            expires = r.expires;
            status = r.status;
            rateLimitPolicy = r.rateLimitPolicy;
            quota = r.quota;
            credits = r.credits;
            creditsPer = r.creditsPer;
            labels = r.labels;
            description = r.description;
            reviewAfter = r.reviewAfter;
            lastUsed = r.lastUsed;
            replaces = r.replaces;
            replacedBy = r.replacedBy;
            lineage = r.lineage;
            legacy = r.legacy;
            version = r.version;
        }

        /** Sets the id. */
        public Builder id(String v) {
            id = v;
            return this;
        }

        /** Sets the digest. */
        public Builder digest(KeyDigest v) {
            digest = v;
            return this;
        }

        /** Sets the display hint. */
        public Builder hint(String v) {
            hint = v;
            return this;
        }

        /** Sets the owner. */
        public Builder owner(String v) {
            owner = v;
            return this;
        }

        /** Sets the tenant (may be null). */
        public Builder tenant(String v) {
            tenant = v;
            return this;
        }

        /** Sets the environment. */
        public Builder environment(Environment v) {
            environment = v;
            return this;
        }

        /** Sets the granted scopes. */
        public Builder scopes(ScopeSet v) {
            scopes = v;
            return this;
        }

        /** Sets the networks the key may be used from (empty: anywhere). */
        public Builder allowedCidrs(List<Cidr> v) {
            allowedCidrs = v;
            return this;
        }

        /** Sets the creation instant. */
        public Builder created(Instant v) {
            created = v;
            return this;
        }

        /** Sets not-before (may be null). */
        public Builder notBefore(Instant v) {
            notBefore = v;
            return this;
        }

        /** Sets the expiry (may be null). */
        public Builder expires(Instant v) {
            expires = v;
            return this;
        }

        /** Sets the status. */
        public Builder status(KeyStatus v) {
            status = v;
            return this;
        }

        /** Sets the rate-limit policy (null: the deployment default). */
        public Builder rateLimitPolicy(RateLimitPolicy v) {
            rateLimitPolicy = v;
            return this;
        }

        /** Sets the quota (may be null). */
        public Builder quota(Quota v) {
            quota = v;
            return this;
        }

        /** Sets the credits (null: unlimited). */
        public Builder credits(Long v) {
            credits = v;
            return this;
        }

        /** Sets whose uses the credits count (null: the key's own). */
        public Builder creditsPer(Per v) {
            creditsPer = v;
            return this;
        }

        /** Sets the labels. */
        public Builder labels(Map<String, String> v) {
            labels = v;
            return this;
        }

        /** Sets the description, the key's purpose (may be null). */
        public Builder description(String v) {
            description = v;
            return this;
        }

        /** Sets the day from which the key is due for review (may be null). */
        public Builder reviewAfter(LocalDate v) {
            reviewAfter = v;
            return this;
        }

        /** Sets last-used (may be null). */
        public Builder lastUsed(Instant v) {
            lastUsed = v;
            return this;
        }

        /** Sets the predecessor id (may be null). */
        public Builder replaces(String v) {
            replaces = v;
            return this;
        }

        /** Sets the successor id (may be null). */
        public Builder replacedBy(String v) {
            replacedBy = v;
            return this;
        }

        /** Sets the lineage: the id of the first key of the rotation chain (null: this record's own id). */
        public Builder lineage(String v) {
            lineage = v;
            return this;
        }

        /** Marks an imported key outside the key format (see {@link KeyRecord#legacy()}). */
        public Builder legacy(boolean v) {
            legacy = v;
            return this;
        }

        /** Sets the version. */
        public Builder version(long v) {
            version = v;
            return this;
        }

        /** Builds and validates the record. */
        public KeyRecord build() {
            return new KeyRecord(id, digest, hint, owner, tenant, environment, scopes, allowedCidrs, created,
                    notBefore, expires, status, rateLimitPolicy, quota, credits, creditsPer, labels, description, reviewAfter,
                    lastUsed, replaces, replacedBy, lineage, legacy, version);
        }
    }
}
