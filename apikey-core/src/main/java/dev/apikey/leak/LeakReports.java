package dev.apikey.leak;

import dev.apikey.ApiKey;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyDigest;
import dev.apikey.KeyManager;
import dev.apikey.KeyNotFoundException;
import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import dev.apikey.spi.LifecycleEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Handles reports of strings found where they should not be (a public repository, a log, a front-end bundle): each
 * string is checked with the key format (prefix and checksum) first, so that only well-formed keys cost a lookup;
 * a key of ours is revoked, suspended or left alone per {@link LeakAction}, and every key of ours reported gets a
 * {@link LifecycleEvent.Action#LEAK} event naming the reporter, followed by the event of the action taken. The
 * strings are never logged, stored or returned. One instance serves GitHub's secret-scanning endpoint, the admin
 * API's {@code POST /admin/leaks} and {@code apikey leak}. Thread-safe.
 */
public final class LeakReports {
    /** Most strings one report may hold. */
    public static final int MAX_TOKENS = 1000;

    private final KeyManager manager;
    private final LeakAction action;

    /**
     * @param manager the key manager of the deployment, acting as the reporter (e.g.
     *                {@code manager.actingAs(Actor.named("github-secret-scanning"))}): its actor names the reporter in
     *                the events, and its format and hasher are those the keys were issued with
     * @param action  what to do to a live key of ours
     */
    public LeakReports(KeyManager manager, LeakAction action) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.action = Objects.requireNonNull(action, "action");
    }

    /** The action taken on live keys. */
    public LeakAction action() {
        return action;
    }

    /**
     * Handles one report; the results are in the order of {@code found}.
     *
     * @throws InvalidConfigurationException if it holds more than {@link #MAX_TOKENS} strings
     */
    public List<LeakResult> handle(List<String> found) {
        if (found.size() > MAX_TOKENS) {
            throw new InvalidConfigurationException("a report may hold at most " + MAX_TOKENS + " strings, got " + found.size());
        }
        List<LeakResult> results = new ArrayList<>(found.size());
        for (String s : found) {
            results.add(handle(s));
        }
        return results;
    }

    private LeakResult handle(String candidate) {
        ApiKey key = candidate == null ? null : manager.settings().format().tryParse(candidate);
        if (key == null) {
            return new LeakResult(LeakResult.Verdict.MALFORMED, null);
        }
        Optional<KeyRecord> found = Optional.empty();
        for (KeyDigest d : manager.settings().hasher().lookupDigests(key)) {
            found = manager.store().findByDigest(d);
            if (found.isPresent()) {
                break;
            }
        }
        if (found.isEmpty()) {
            return new LeakResult(LeakResult.Verdict.UNKNOWN, null);
        }
        KeyRecord r = found.get();
        try {
            manager.recordLeak(r.id());
        } catch (KeyNotFoundException e) {
            // Another tenant's key, for an actor bounded by its tenant: not one it may know about, or change.
            return new LeakResult(LeakResult.Verdict.UNKNOWN, null);
        }
        if (r.status() == KeyStatus.REVOKED) {
            return new LeakResult(LeakResult.Verdict.ALREADY_REVOKED, r.id());
        }
        return switch (action) {
            case REVOKE -> {
                manager.revoke(r.id());
                yield new LeakResult(LeakResult.Verdict.REVOKED, r.id());
            }
            case SUSPEND -> {
                if (r.status() == KeyStatus.ACTIVE) {
                    manager.suspend(r.id());
                }
                yield new LeakResult(LeakResult.Verdict.SUSPENDED, r.id());
            }
            case NOTIFY -> new LeakResult(LeakResult.Verdict.NOTIFIED, r.id());
        };
    }
}
