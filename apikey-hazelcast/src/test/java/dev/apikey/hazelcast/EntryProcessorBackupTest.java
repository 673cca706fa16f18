package dev.apikey.hazelcast;

import com.hazelcast.map.EntryProcessor;
import dev.apikey.hazelcast.internal.BackupSetValue;
import dev.apikey.hazelcast.internal.CounterProcessor;
import dev.apikey.hazelcast.internal.GcraProcessor;
import dev.apikey.hazelcast.internal.RateState;
import org.junit.jupiter.api.Test;

import java.util.AbstractMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The backup of a rate-limit or counter update receives the computed value and never re-runs the algorithm. */
class EntryProcessorBackupTest {

    @Test
    void admittedRequestShipsTheComputedStateToTheBackup() {
        GcraProcessor p = new GcraProcessor("2/1s", 1_000_000_000L, 1);
        Map.Entry<String, RateState> entry = new AbstractMap.SimpleEntry<>("key_a", null);
        long[] answer = p.process(entry);
        assertThat(answer[0]).isEqualTo(1);
        EntryProcessor<String, RateState, long[]> backup = p.getBackupProcessor();
        assertThat(backup).isInstanceOf(BackupSetValue.class);
        // Applying the backup to the pre-update entry yields exactly the primary's state.
        Map.Entry<String, RateState> replica = new AbstractMap.SimpleEntry<>("key_a", null);
        backup.process(replica);
        assertThat(replica.getValue()).isSameAs(entry.getValue());
    }

    @Test
    void deniedRequestChangesNothingAndSendsNoBackup() {
        Map.Entry<String, RateState> entry = new AbstractMap.SimpleEntry<>("key_b", null);
        new GcraProcessor("1/1h", 5, 1).process(entry);
        RateState before = entry.getValue();
        GcraProcessor denied = new GcraProcessor("1/1h", 6, 1);
        assertThat(denied.process(entry)[0]).isZero();
        assertThat(entry.getValue()).isSameAs(before);
        assertThat(denied.getBackupProcessor()).isNull();
    }

    @Test
    void counterAtItsLimitSendsNoBackup() {
        Map.Entry<String, Long> entry = new AbstractMap.SimpleEntry<>("c", 3L);
        CounterProcessor p = new CounterProcessor(3, Long.MIN_VALUE);
        assertThat(p.process(entry)).isEqualTo(-1L);
        assertThat(p.getBackupProcessor()).isNull();
        CounterProcessor ok = new CounterProcessor(5, Long.MIN_VALUE);
        assertThat(ok.process(entry)).isEqualTo(4L);
        assertThat(ok.getBackupProcessor()).isInstanceOf(BackupSetValue.class);
    }
}
