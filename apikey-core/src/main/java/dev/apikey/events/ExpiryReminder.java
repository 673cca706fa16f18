package dev.apikey.events;

import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.KeyQuery;
import dev.apikey.spi.KeyStore;
import dev.apikey.spi.LifecycleEvent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reminds of keys that expire soon: each {@link #check()} pages through the store and reports every live key that
 * expires within the warning period (default 7 days) as one {@link LifecycleEvent.Action#EXPIRING} event, actor
 * {@value #ACTOR}, detail {@code expires=<instant>}, once per key and expiry (a key whose expiry is moved is reminded
 * again). Keys in a rotation grace period are not reminded: their successor is.
 *
 * <p>It runs where you run it, on one node: in a cluster, schedule it on one node only (or accept one reminder per
 * node; webhook receivers can drop repeats by key id and expiry). What it has reminded of is kept in memory, at most
 * {@value #MAX_REMEMBERED} keys, so a restart may remind again. Call {@link #check()} from a scheduler, e.g. every hour.
 */
public final class ExpiryReminder {
    /** The actor the reminders are audited under. */
    public static final String ACTOR = "expiry-reminder";
    /** How many reminded keys are remembered before the oldest are forgotten. */
    public static final int MAX_REMEMBERED = 100_000;
    private static final int PAGE = 500;

    private final KeyStore store;
    private final AuditSink sink;
    private final Clock clock;
    private final Duration warning;
    private final Map<String, Instant> reminded = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };

    /**
     * A reminder over {@code store} that reports to {@code sink} (e.g. {@code KeyEvents.auditSink(webhooks)}) keys
     * expiring within {@code warning}.
     */
    public ExpiryReminder(KeyStore store, AuditSink sink, Clock clock, Duration warning) {
        this.store = Objects.requireNonNull(store, "store");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (warning == null || warning.isNegative() || warning.isZero()) {
            throw new dev.apikey.InvalidConfigurationException("the warning period must be positive, got " + warning);
        }
        this.warning = warning;
    }

    /** A reminder with the system clock and a 7-day warning period. */
    public ExpiryReminder(KeyStore store, AuditSink sink) {
        this(store, sink, Clock.systemUTC(), Duration.ofDays(7));
    }

    /** Reports the keys that now expire within the warning period and were not reported yet; returns how many. */
    public synchronized int check() {
        Instant now = clock.instant();
        Instant horizon = now.plus(warning);
        int sent = 0;
        String after = null;
        while (true) {
            List<KeyRecord> page = store.list(KeyQuery.all().after(after).limit(PAGE));
            for (KeyRecord r : page) {
                if (r.status() != KeyStatus.REVOKED && r.replacedBy() == null && r.expires() != null
                        && r.expires().isAfter(now) && !r.expires().isAfter(horizon)
                        && !r.expires().equals(reminded.get(r.id()))) {
                    reminded.put(r.id(), r.expires());
                    sink.lifecycle(new LifecycleEvent(now, LifecycleEvent.Action.EXPIRING, ACTOR, r.id(), null,
                            "expires=" + r.expires()));
                    sent++;
                }
            }
            if (page.size() < PAGE) {
                return sent;
            }
            after = page.get(page.size() - 1).id();
        }
    }
}
