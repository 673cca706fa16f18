package dev.apikey.spi;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An audit sink for tests that drops decisions and keeps every lifecycle change, in order. */
public final class LifecycleRecorder implements AuditSink {
    /** The changes received so far; tests may clear it. */
    public final List<LifecycleEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void record(AuditEvent event) {
    }

    @Override
    public boolean wants(dev.apikey.Outcome outcome) {
        return false;
    }

    @Override
    public void lifecycle(LifecycleEvent event) {
        events.add(event);
    }
}
