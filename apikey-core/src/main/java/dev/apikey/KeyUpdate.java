package dev.apikey;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A change to a key's settings in place, for {@link KeyManager#update}: every field left unset stays as it is, a field
 * set to {@code null} (where that means "none") is cleared. What can change: scopes, rate limit, quota, credits,
 * labels, description, review day, expiry and allowed networks. The id, owner, tenant and environment identify the
 * key and never change: issue a new key for that. Immutable; build it with {@link #builder()}.
 *
 * <pre>{@code
 * manager.update("key_...", 7, KeyUpdate.builder().scopes("billing:read").rateLimit("50/1s").build());
 * }</pre>
 */
public final class KeyUpdate {
    /** The names of the fields, as {@link #fields()}, the admin API's JSON and the audit detail spell them. */
    public static final List<String> FIELDS = List.of("scopes", "rateLimit", "quota", "credits", "creditsPer",
            "labels", "description", "reviewAfter", "expiresAt", "allowedCidrs");

    private final Map<String, Consumer<KeyRecord.Builder>> changes;
    private final ScopeSet scopes;
    private final Instant expiresAt;

    private KeyUpdate(Builder b) {
        this.changes = Map.copyOf(b.changes);
        this.scopes = b.scopes;
        this.expiresAt = b.expiresAt;
    }

    /** An empty update; set the fields to change. */
    public static Builder builder() {
        return new Builder();
    }

    /** The names of the fields this update sets, in {@link #FIELDS} order. */
    public List<String> fields() {
        List<String> out = new ArrayList<>();
        for (String f : FIELDS) {
            if (changes.containsKey(f)) {
                out.add(f);
            }
        }
        return out;
    }

    /** True if the update sets no field. */
    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** True if this update sets {@code field}. */
    boolean sets(String field) {
        return changes.containsKey(field);
    }

    /** The scopes the key has after this update is applied to {@code current}. */
    ScopeSet scopesAfter(KeyRecord current) {
        return scopes != null ? scopes : current.scopes();
    }

    /** The expiry this update sets, or {@code null} if it sets none or clears it. */
    Instant expiresAt() {
        return expiresAt;
    }

    /** {@code current} with this update applied; the store checks the result as it checks any record. */
    KeyRecord applyTo(KeyRecord current) {
        KeyRecord.Builder b = current.toBuilder();
        changes.values().forEach(change -> change.accept(b));
        return b.build();
    }

    @Override
    public String toString() {
        return "KeyUpdate" + fields();
    }

    /** Builder for {@link KeyUpdate}. Each setter validates its value as issuing a key would. */
    public static final class Builder {
        private final Map<String, Consumer<KeyRecord.Builder>> changes = new LinkedHashMap<>();
        private ScopeSet scopes;
        private Instant expiresAt;

        private Builder() {
        }

        /** Replaces the key's scopes; the acting key must hold every one of them. */
        public Builder scopes(String... scopes) {
            return scopes(List.of(scopes));
        }

        /** Replaces the key's scopes. */
        public Builder scopes(Collection<String> scopes) {
            ScopeSet set = ScopeSet.parse(scopes);
            this.scopes = set;
            changes.put("scopes", b -> b.scopes(set));
            return this;
        }

        /** Replaces the rate-limit policy ({@code 100/1s burst 20, 10000/1d}); {@code null} removes it. */
        public Builder rateLimit(String policy) {
            RateLimitPolicy parsed = policy == null ? null : RateLimitPolicy.parse(policy);
            changes.put("rateLimit", b -> b.rateLimitPolicy(parsed));
            return this;
        }

        /** Replaces the calendar quota ({@code 1000/day}); {@code null} removes it. */
        public Builder quota(String quota) {
            Quota parsed = quota == null ? null : Quota.parse(quota);
            changes.put("quota", b -> b.quota(parsed));
            return this;
        }

        /**
         * Replaces the total uses allowed over the key's life ({@code null} removes the cap). Uses already counted
         * stay counted: raising it from 100 to 150 after 100 uses allows 50 more.
         *
         * @throws InvalidConfigurationException if it is below 1
         */
        public Builder credits(Long credits) {
            if (credits != null && credits < 1) {
                throw new InvalidConfigurationException("credits must be >= 1, got " + credits);
            }
            changes.put("credits", b -> b.credits(credits).creditsPer(Per.KEY));
            return this;
        }

        /**
         * Replaces the credits with a balance shared by every key of the owner or tenant ({@link Per}); see
         * {@link KeyRequest.Builder#credits(long, Per)}.
         */
        public Builder credits(long credits, Per per) {
            credits(credits);
            Objects.requireNonNull(per, "per");
            changes.put("credits", b -> b.credits(credits).creditsPer(per));
            return this;
        }

        /** Replaces all labels ({@code null} or empty removes them); each is checked as on issue. */
        public Builder labels(Map<String, String> labels) {
            Map<String, String> copy = new LinkedHashMap<>();
            if (labels != null) {
                labels.forEach((name, value) -> {
                    RecordText.checkLabel(name, value);
                    copy.put(name, value);
                });
            }
            changes.put("labels", b -> b.labels(copy));
            return this;
        }

        /** Replaces the description (the key's purpose); {@code null} removes it. */
        public Builder description(String description) {
            if (description != null) {
                RecordText.checkDescription(description);
            }
            changes.put("description", b -> b.description(description));
            return this;
        }

        /** Replaces the review day; {@code null} removes it. */
        public Builder reviewAfter(LocalDate day) {
            changes.put("reviewAfter", b -> b.reviewAfter(day));
            return this;
        }

        /** Replaces the expiry; {@code null} removes it. {@link KeyManager#update} refuses an expiry not in the future. */
        public Builder expiresAt(Instant expiresAt) {
            this.expiresAt = expiresAt;
            changes.put("expiresAt", b -> b.expires(expiresAt));
            return this;
        }

        /** Replaces the networks the key may be used from ({@code 10.0.0.0/8}); none means any network. */
        public Builder allowedCidrs(Collection<String> cidrs) {
            List<Cidr> parsed = new ArrayList<>();
            for (String c : cidrs) {
                parsed.add(Cidr.parse(Objects.requireNonNull(c, "cidr")));
            }
            List<Cidr> copy = List.copyOf(parsed);
            changes.put("allowedCidrs", b -> b.allowedCidrs(copy));
            return this;
        }

        /** The update. */
        public KeyUpdate build() {
            return new KeyUpdate(this);
        }
    }
}
