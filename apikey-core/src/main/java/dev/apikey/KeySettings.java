package dev.apikey;

import java.time.Clock;
import java.util.Objects;

/**
 * What issuing and verifying keys must agree on: the {@link KeyFormat} keys are written in, the {@link KeyHasher}
 * whose digests the store holds, and the {@link Clock} expiry and grace periods are judged by. Immutable. Build it
 * once with {@link #ofDefaults()}, {@link #custom()} or {@link #from(KeySettings)} and give the same value to
 * {@link KeyManagerBuilder#settings} and {@link VerifierBuilder#settings}, so the two cannot drift apart.
 */
public final class KeySettings {
    private static final KeySettings DEFAULTS = custom().build();

    private final KeyFormat format;
    private final KeyHasher hasher;
    private final Clock clock;

    private KeySettings(Builder b) {
        this.format = b.format;
        this.hasher = b.hasher;
        this.clock = b.clock;
    }

    /** Prefix {@code ak}, SHA-256, the system clock in UTC. */
    public static KeySettings ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** A builder starting from {@code prototype}'s settings. */
    public static Builder from(KeySettings prototype) {
        Objects.requireNonNull(prototype, "prototype");
        return custom().format(prototype.format).hasher(prototype.hasher).clock(prototype.clock);
    }

    /** The key format. */
    public KeyFormat format() {
        return format;
    }

    /** The hasher. */
    public KeyHasher hasher() {
        return hasher;
    }

    /** The clock. */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "KeySettings[format=" + format + ", hasher=" + hasher + ", clock=" + clock + "]";
    }

    /** Builder for {@link KeySettings}. */
    public static final class Builder {
        private KeyFormat format = KeyFormat.ofDefaults();
        private KeyHasher hasher = KeyHasher.sha256();
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The key format (default prefix {@code ak}). */
        public Builder format(KeyFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /** The hasher (default SHA-256); a verifier must use the one its keys were issued with. */
        public Builder hasher(KeyHasher hasher) {
            this.hasher = Objects.requireNonNull(hasher, "hasher");
            return this;
        }

        /** The clock (default system UTC); tests pass a fake one. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The settings. */
        public KeySettings build() {
            return new KeySettings(this);
        }
    }
}
