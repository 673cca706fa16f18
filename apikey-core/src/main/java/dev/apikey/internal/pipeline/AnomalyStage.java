package dev.apikey.internal.pipeline;

import dev.apikey.Decision;
import dev.apikey.KeyManager;
import dev.apikey.anomaly.AnomalyPolicy;
import dev.apikey.internal.AnomalyDetector;
import dev.apikey.internal.ClientAddresses;
import dev.apikey.spi.AuditSink;
import dev.apikey.spi.LifecycleEvent;

/**
 * Watches allowed requests for unusual traffic on their key ({@link AnomalyPolicy}) and never refuses one: an
 * anomaly is reported as a lifecycle event {@code anomaly} by the actor {@value #ACTOR}, and for the signals the
 * policy names the key is suspended, so the requests after this one are refused. Per node: each verifier counts what
 * it sees.
 */
final class AnomalyStage implements Stage {
    /** The actor anomaly reports and suspensions are audited under. */
    static final String ACTOR = "anomaly";
    private static final System.Logger LOG = System.getLogger("dev.apikey");

    private final AnomalyDetector detector;
    private final AnomalyPolicy policy;
    private final AuditSink audit;
    private final KeyManager suspender;

    AnomalyStage(AnomalyPolicy policy, AuditSink audit, KeyManager suspender) {
        this.detector = new AnomalyDetector(policy);
        this.policy = policy;
        this.audit = audit;
        this.suspender = suspender;
    }

    @Override
    public Decision check(Attempt a) {
        String client = a.client();
        AnomalyDetector.Alert alert = detector.observe(a.record.id(), ClientAddresses.isUnresolved(client) ? null : client,
                a.nowNanos());
        if (alert != null) {
            report(a, alert);
        }
        return CONTINUE;
    }

    private void report(Attempt a, AnomalyDetector.Alert alert) {
        String id = a.record.id();
        try {
            audit.lifecycle(new LifecycleEvent(a.now(), LifecycleEvent.Action.ANOMALY, ACTOR, id, null, alert.detail()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "audit sink failed: " + e.getClass().getName());
        }
        if (policy.suspendOn().contains(alert.signal())) {
            try {
                suspender.suspend(id);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "anomaly: could not suspend key " + id + ": " + e.getClass().getName());
            }
        }
    }
}
