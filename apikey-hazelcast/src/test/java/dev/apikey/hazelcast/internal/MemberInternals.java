package dev.apikey.hazelcast.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.map.impl.MapService;
import com.hazelcast.spi.impl.NodeEngineImpl;
import com.hazelcast.spi.impl.PartitionSpecificRunnable;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Writes straight into a member's record store on the partition's own thread, around the checks a map operation
 * passes through (the write guard is told to let this one value pass, entry processors are not involved): what
 * a rogue member, or a bug, could leave there.
 */
public final class MemberInternals {
    private MemberInternals() {
    }

    /** Stores {@code value} under {@code key}, past the write guard, as a rogue member or a bug could. */
    public static void writeAroundTheGuards(HazelcastInstance member, String mapName, String key, Object value) throws Exception {
        NodeEngineImpl engine = ((HazelcastInstanceProxy) member).getOriginal().node.getNodeEngine();
        SerializationService ss = engine.getSerializationService();
        Data dataKey = ss.toData(key);
        Data dataValue = ss.toData(value);
        int partition = engine.getPartitionService().getPartitionId(dataKey);
        MapService maps = engine.getService(MapService.SERVICE_NAME);
        CompletableFuture<Void> done = new CompletableFuture<>();
        engine.getOperationService().execute(new PartitionSpecificRunnable() {
            @Override
            public int getPartitionId() {
                return partition;
            }

            @Override
            public void run() {
                try {
                    WriteGuard.allow(value);
                    maps.getMapServiceContext().getRecordStore(partition, mapName).putFromLoad(dataKey, dataValue, null);
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            }
        });
        done.get(10, TimeUnit.SECONDS);
    }
}
