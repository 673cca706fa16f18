package dev.apikey.leak;

import dev.apikey.Actor;
import dev.apikey.Environment;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyDigest;
import dev.apikey.KeyFormat;
import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.KeyStatus;
import dev.apikey.spi.ForwardingKeyStore;
import dev.apikey.spi.LifecycleEvent;
import dev.apikey.spi.LifecycleRecorder;
import dev.apikey.store.InMemoryKeyStore;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeakReportsTest {
    private final AtomicInteger lookups = new AtomicInteger();
    private final InMemoryKeyStore records = new InMemoryKeyStore();
    private final ForwardingKeyStore store = new ForwardingKeyStore(records) {
        @Override
        protected void beforeLookup(KeyDigest digest) {
            lookups.incrementAndGet();
        }
    };
    private final LifecycleRecorder recorder = new LifecycleRecorder();
    private final List<LifecycleEvent> events = recorder.events;
    private final KeyManager keys = KeyManager.builder(store).auditSink(recorder).build();

    private LeakReports reports(LeakAction action) {
        return new LeakReports(keys.actingAs(Actor.named("scanner")), action);
    }

    private String issue() {
        return keys.issue(KeyRequest.builder().owner("o").build()).key().reveal();
    }

    private static String brokenChecksum(String key) {
        return key.substring(0, key.length() - 1) + (key.endsWith("A") ? 'B' : 'A');
    }

    @Test
    void aLiveKeyOfOursIsRevokedWithALeakEventNamingTheReporterThenTheRevocation() {
        String key = issue();
        events.clear();

        List<LeakResult> r = reports(LeakAction.REVOKE).handle(List.of(key));

        assertThat(r).singleElement().satisfies(x -> {
            assertThat(x.verdict()).isEqualTo(LeakResult.Verdict.REVOKED);
            assertThat(x.verdict().ours()).isTrue();
        });
        assertThat(records.findById(r.get(0).keyId()).orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(events).extracting(LifecycleEvent::action)
                .containsExactly(LifecycleEvent.Action.LEAK, LifecycleEvent.Action.REVOKE);
        assertThat(events).allSatisfy(e -> assertThat(e.actor()).isEqualTo("scanner"));
    }

    @Test
    void stringsThatAreNotWellFormedKeysCostNoLookupAndAreNotOurs() {
        String key = issue();
        lookups.set(0);

        List<LeakResult> r = reports(LeakAction.REVOKE).handle(List.of(brokenChecksum(key), "password123", "",
                "ak_live_" + "x".repeat(60)));

        assertThat(r).extracting(LeakResult::verdict).containsOnly(LeakResult.Verdict.MALFORMED);
        assertThat(r).allSatisfy(x -> assertThat(x.verdict().ours()).isFalse());
        assertThat(lookups).hasValue(0);
        assertThat(records.findByDigest(keys.settings().hasher().digest(keys.settings().format().parse(key)))
                .orElseThrow().status()).isEqualTo(KeyStatus.ACTIVE);
    }

    @Test
    void aWellFormedKeyWeNeverIssuedIsUnknownAfterOneLookup() {
        lookups.set(0);
        String stranger = KeyFormat.ofDefaults().generate(Environment.LIVE).reveal();
        assertThat(reports(LeakAction.REVOKE).handle(List.of(stranger))).singleElement()
                .isEqualTo(new LeakResult(LeakResult.Verdict.UNKNOWN, null));
        assertThat(lookups).hasValue(1);
        // Another deployment's prefix is not ours either, and its checksum is not even checked against our format.
        String other = KeyFormat.withPrefix("zz").generate(Environment.LIVE).reveal();
        assertThat(reports(LeakAction.REVOKE).handle(List.of(other)).get(0).verdict()).isEqualTo(LeakResult.Verdict.MALFORMED);
    }

    @Test
    void anAlreadyRevokedKeyIsOursAndChangesNothing() {
        String key = issue();
        String id = reports(LeakAction.REVOKE).handle(List.of(key)).get(0).keyId();
        events.clear();

        assertThat(reports(LeakAction.REVOKE).handle(List.of(key))).singleElement()
                .isEqualTo(new LeakResult(LeakResult.Verdict.ALREADY_REVOKED, id));
        assertThat(events).extracting(LifecycleEvent::action).containsExactly(LifecycleEvent.Action.LEAK);
    }

    @Test
    void suspendAndNotifyDoWhatTheySay() {
        String a = issue();
        String b = issue();
        LeakResult suspended = reports(LeakAction.SUSPEND).handle(List.of(a)).get(0);
        LeakResult notified = reports(LeakAction.NOTIFY).handle(List.of(b)).get(0);

        assertThat(suspended.verdict()).isEqualTo(LeakResult.Verdict.SUSPENDED);
        assertThat(records.findById(suspended.keyId()).orElseThrow().status()).isEqualTo(KeyStatus.SUSPENDED);
        assertThat(notified.verdict()).isEqualTo(LeakResult.Verdict.NOTIFIED);
        assertThat(records.findById(notified.keyId()).orElseThrow().status()).isEqualTo(KeyStatus.ACTIVE);
    }

    @Test
    void aReportIsBounded() {
        List<String> many = Collections.nCopies(LeakReports.MAX_TOKENS + 1, "x");
        assertThatThrownBy(() -> reports(LeakAction.REVOKE).handle(many)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("at most 1000");
    }
}
