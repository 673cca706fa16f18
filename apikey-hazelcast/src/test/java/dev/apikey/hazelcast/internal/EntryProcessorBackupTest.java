package dev.apikey.hazelcast.internal;

import com.hazelcast.map.EntryProcessor;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backup of a rate-limit or counter update receives the computed value and never re-runs the algorithm; and
 * every processor refuses to run without a valid tag.
 */
class EntryProcessorBackupTest {
    private static final ClusterKeys KEYS = ClusterKeys.of("entry processor test secret, 32+ b".getBytes(StandardCharsets.UTF_8));
    private static final ClusterKeys OTHER = ClusterKeys.of(new byte[32]);

    private static <P extends Authorised<?, ?, ?>> P onMember(P p) {
        p.useKeys(KEYS);
        return p;
    }

    @SuppressWarnings("unchecked")
    private static <K, V, R> EntryProcessor<K, V, R> backupOnMember(EntryProcessor<K, V, R> p) {
        ((Authorised<K, V, R>) p).useKeys(KEYS);
        return p;
    }

    @Test
    void admittedRequestShipsTheComputedStateToTheBackup() {
        GcraProcessor p = onMember(GcraProcessor.of(KEYS, "key_a", "2/1s", 1_000_000_000L, 1));
        Map.Entry<String, RateState> entry = new AbstractMap.SimpleEntry<>("key_a", null);
        long[] answer = p.process(entry);
        assertThat(answer[0]).isEqualTo(1);
        EntryProcessor<String, RateState, long[]> backup = p.getBackupProcessor();
        assertThat(backup).isInstanceOf(BackupSetValue.class);
        // Applying the backup to the pre-update entry yields exactly the primary's state.
        Map.Entry<String, RateState> replica = new AbstractMap.SimpleEntry<>("key_a", null);
        backupOnMember(backup).process(replica);
        assertThat(replica.getValue()).isSameAs(entry.getValue());
    }

    @Test
    void deniedRequestChangesNothingAndSendsNoBackup() {
        Map.Entry<String, RateState> entry = new AbstractMap.SimpleEntry<>("key_b", null);
        onMember(GcraProcessor.of(KEYS, "key_b", "1/1h", 5, 1)).process(entry);
        RateState before = entry.getValue();
        GcraProcessor denied = onMember(GcraProcessor.of(KEYS, "key_b", "1/1h", 6, 1));
        assertThat(denied.process(entry)[0]).isZero();
        assertThat(entry.getValue()).isSameAs(before);
        assertThat(denied.getBackupProcessor()).isNull();
    }

    @Test
    void counterAtItsLimitSendsNoBackup() {
        Map.Entry<String, Long> entry = new AbstractMap.SimpleEntry<>("c", 3L);
        CounterProcessor p = onMember(CounterProcessor.of(KEYS, "c", 3, Long.MIN_VALUE));
        assertThat(p.process(entry)).isEqualTo(-1L);
        assertThat(p.getBackupProcessor()).isNull();
        CounterProcessor ok = onMember(CounterProcessor.of(KEYS, "c", 5, Long.MIN_VALUE));
        assertThat(ok.process(entry)).isEqualTo(4L);
        assertThat(ok.getBackupProcessor()).isInstanceOf(BackupSetValue.class);
    }

    @Test
    void aProcessorTaggedWithAnotherSecretOrForAnotherKeyIsRefusedAndChangesNothing() {
        Map.Entry<String, Long> entry = new AbstractMap.SimpleEntry<>("c", 3L);
        assertThatThrownBy(() -> onMember(CounterProcessor.of(OTHER, "c", 5, Long.MIN_VALUE)).process(entry))
                .isInstanceOf(WriteRefusedException.class);
        assertThatThrownBy(() -> onMember(CounterProcessor.of(KEYS, "other-key", 5, Long.MIN_VALUE)).process(entry))
                .isInstanceOf(WriteRefusedException.class);
        assertThatThrownBy(() -> onMember(new CounterProcessor(5, Long.MIN_VALUE, System.currentTimeMillis(),
                new byte[32])).process(entry)).isInstanceOf(WriteRefusedException.class);
        assertThat(entry.getValue()).isEqualTo(3L);
    }

    @Test
    void aValidProcessorReplayedAfterTheWindowIsRefused() {
        Map.Entry<String, Long> entry = new AbstractMap.SimpleEntry<>("c", 3L);
        long then = System.currentTimeMillis() - Authorised.REPLAY_WINDOW_MILLIS - 60_000;
        CounterProcessor unsigned = new CounterProcessor(5, Long.MIN_VALUE, then, null);
        CounterProcessor recorded = new CounterProcessor(5, Long.MIN_VALUE, then, KEYS.tag(CounterProcessor.TYPE, "c",
                unsigned.signed()));
        assertThatThrownBy(() -> onMember(recorded).process(entry)).isInstanceOf(WriteRefusedException.class)
                .hasMessageContaining("from this member's time");
        assertThat(entry.getValue()).isEqualTo(3L);
    }

    @Test
    void aProcessorOnAMemberWithoutASecretIsRefused() {
        Map.Entry<String, Long> entry = new AbstractMap.SimpleEntry<>("c", 3L);
        assertThatThrownBy(() -> CounterProcessor.of(KEYS, "c", 5, Long.MIN_VALUE).process(entry))
                .isInstanceOf(WriteRefusedException.class);
    }
}
