package dev.apikey;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to issue: owner, scopes and the optional limits. Built with {@link #builder()}; every setter that
 * takes text parses it at once and fails with a message naming the field.
 */
public final class KeyRequest {
    private final String owner;
    private final String tenant;
    private final Environment environment;
    private final ScopeSet scopes;
    private final List<Cidr> allowedCidrs;
    private final Instant notBefore;
    private final Instant expiresAt;
    private final Duration expiresIn;
    private final RateLimitPolicy rateLimitPolicy;
    private final Quota quota;
    private final Long credits;
    private final Per creditsPer;
    private final Map<String, String> labels;
    private final String description;
    private final LocalDate reviewAfter;

    private KeyRequest(Builder b) {
        this.owner = b.owner;
        this.tenant = b.tenant;
        this.environment = b.environment;
        this.scopes = ScopeSet.parse(b.scopes);
        this.allowedCidrs = List.copyOf(b.allowedCidrs);
        this.notBefore = b.notBefore;
        this.expiresAt = b.expiresAt;
        this.expiresIn = b.expiresIn;
        this.rateLimitPolicy = b.rateLimitPolicy;
        this.quota = b.quota;
        this.credits = b.credits;
        this.creditsPer = b.creditsPer;
        this.labels = Map.copyOf(b.labels);
        this.description = b.description;
        this.reviewAfter = b.reviewAfter;
    }

    /** A new builder; {@code owner} is required. */
    public static Builder builder() {
        return new Builder();
    }

    String owner() {
        return owner;
    }

    String tenant() {
        return tenant;
    }

    Environment environment() {
        return environment;
    }

    ScopeSet scopes() {
        return scopes;
    }

    List<Cidr> allowedCidrs() {
        return allowedCidrs;
    }

    Instant notBefore() {
        return notBefore;
    }

    Instant expiresAt(Instant now) {
        if (expiresAt != null) {
            return expiresAt;
        }
        return expiresIn == null ? null : now.plus(expiresIn);
    }

    RateLimitPolicy rateLimitPolicy() {
        return rateLimitPolicy;
    }

    Quota quota() {
        return quota;
    }

    Long credits() {
        return credits;
    }

    Per creditsPer() {
        return creditsPer;
    }

    Map<String, String> labels() {
        return labels;
    }

    String description() {
        return description;
    }

    LocalDate reviewAfter() {
        return reviewAfter;
    }

    /**
     * A new record of this request with a fresh id, created {@code now}, without its digest and hint.
     *
     * @param tenant the tenant the acting manager decided on
     * @throws InvalidConfigurationException if the expiry is not after {@code now}
     */
    KeyRecord.Builder toRecord(String tenant, Instant now) {
        Instant expires = expiresAt(now);
        if (expires != null && !expires.isAfter(now)) {
            throw new InvalidConfigurationException("expiresAt must be in the future");
        }
        return KeyRecord.builder()
                .id(KeyIds.newId())
                .owner(owner)
                .tenant(tenant)
                .environment(environment())
                .scopes(scopes())
                .allowedCidrs(allowedCidrs())
                .created(now)
                .notBefore(notBefore())
                .expires(expires)
                .rateLimitPolicy(rateLimitPolicy())
                .quota(quota())
                .credits(credits())
                .creditsPer(creditsPer())
                .labels(labels())
                .description(description())
                .reviewAfter(reviewAfter());
    }

    /** Builder for {@link KeyRequest}. */
    public static final class Builder {
        private String owner;
        private String tenant;
        private Environment environment = Environment.LIVE;
        private final List<String> scopes = new ArrayList<>();
        private final List<Cidr> allowedCidrs = new ArrayList<>();
        private Instant notBefore;
        private Instant expiresAt;
        private Duration expiresIn;
        private RateLimitPolicy rateLimitPolicy;
        private Quota quota;
        private Long credits;
        private Per creditsPer = Per.KEY;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private String description;
        private LocalDate reviewAfter;

        private Builder() {
        }

        /** Who the key is for (an application or team): required, 1-128 printable chars. */
        public Builder owner(String owner) {
            RecordText.checkName(owner, "owner");
            this.owner = owner;
            return this;
        }

        /** Optional tenant. */
        public Builder tenant(String tenant) {
            if (tenant != null) {
                RecordText.checkName(tenant, "tenant");
            }
            this.tenant = tenant;
            return this;
        }

        /** Environment; default live. */
        public Builder environment(Environment environment) {
            this.environment = java.util.Objects.requireNonNull(environment, "environment");
            return this;
        }

        /** Adds granted scopes such as {@code billing:read} or {@code billing:*}. */
        public Builder scopes(String... scopes) {
            return scopes(List.of(scopes));
        }

        /** Adds granted scopes. */
        public Builder scopes(Collection<String> scopes) {
            for (String s : scopes) {
                Scope.parse(s);
                this.scopes.add(s);
            }
            return this;
        }

        /** Adds networks the key may be used from ({@code 10.0.0.0/8}, {@code 2001:db8::/32}). */
        public Builder allowedCidrs(String... cidrs) {
            for (String c : cidrs) {
                allowedCidrs.add(Cidr.parse(c));
            }
            return this;
        }

        /** The key is not valid before {@code instant}. */
        public Builder notBefore(Instant instant) {
            this.notBefore = instant;
            return this;
        }

        /** The key expires at {@code instant}. */
        public Builder expiresAt(Instant instant) {
            this.expiresAt = instant;
            this.expiresIn = null;
            return this;
        }

        /** The key expires {@code duration} after it is issued. */
        public Builder expiresIn(Duration duration) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new InvalidConfigurationException("expiresIn must be a positive duration, got " + duration);
            }
            this.expiresIn = duration;
            this.expiresAt = null;
            return this;
        }

        /** The key's limits, e.g. {@code 100/1s burst 20, 10000/1d}. */
        public Builder rateLimit(String policy) {
            this.rateLimitPolicy = policy == null ? null : RateLimitPolicy.parse(policy);
            return this;
        }

        /** The key's limits. */
        public Builder rateLimit(RateLimitPolicy policy) {
            this.rateLimitPolicy = policy;
            return this;
        }

        /** A calendar quota, e.g. {@code 1000/day}. */
        public Builder quota(String quota) {
            this.quota = quota == null ? null : Quota.parse(quota);
            return this;
        }

        /** Total uses over the key's life (credits). */
        public Builder credits(long credits) {
            if (credits < 1) {
                throw new InvalidConfigurationException("credits must be >= 1, got " + credits);
            }
            this.credits = credits;
            return this;
        }

        /**
         * Total uses over the life of every key of the key's owner or tenant together ({@link Per}): one balance
         * that all of them spend, and that no new key refills. {@code per} {@link Per#KEY} is {@link #credits(long)}.
         */
        public Builder credits(long credits, Per per) {
            credits(credits);
            this.creditsPer = java.util.Objects.requireNonNull(per, "per");
            return this;
        }

        /**
         * Adds a label: a name as for the owner, a value of at most 256 chars.
         *
         * @throws InvalidConfigurationException naming the label
         */
        public Builder label(String name, String value) {
            RecordText.checkLabel(name, value);
            labels.put(name, value);
            return this;
        }

        /**
         * What the key is for: 1-{@value KeyRecord#MAX_DESCRIPTION} printable chars, or {@code null} for none.
         * The key review reports a live key without one.
         *
         * @throws InvalidConfigurationException if it is blank, too long or holds control characters
         */
        public Builder description(String description) {
            if (description != null) {
                RecordText.checkDescription(description);
            }
            this.description = description;
            return this;
        }

        /** The day (UTC) from which the key review reports the key as due for review, or {@code null} for none. */
        public Builder reviewAfter(LocalDate day) {
            this.reviewAfter = day;
            return this;
        }

        /**
         * Validates and builds the request.
         *
         * @throws InvalidConfigurationException if the owner is missing or the validity window is empty
         */
        public KeyRequest build() {
            if (owner == null) {
                throw new InvalidConfigurationException("owner is required");
            }
            if (notBefore != null && expiresAt != null && !notBefore.isBefore(expiresAt)) {
                throw new InvalidConfigurationException("notBefore must be before expiresAt");
            }
            return new KeyRequest(this);
        }
    }
}
