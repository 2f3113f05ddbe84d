package dev.vectorsync.ordering;

import dev.vectorsync.action.SyncAction;
import dev.vectorsync.event.ChangeVersion;

import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Drops an action that is not newer than the last action passed on for the same row. Runs after
 * the unordered asynchronous embedding step, which may finish a later write before an earlier one,
 * on a stream keyed by {@link SyncAction#entityKey()}.
 *
 * <p>Reordering can only span the time an action spends in the embedding step (its timeout times
 * the retry attempts), so the remembered version expires after {@code memory}, which must exceed
 * that span; this bounds the state to recently written rows.
 */
public class StaleResultGuard extends KeyedProcessFunction<String, SyncAction, SyncAction> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StaleResultGuard.class);

    private final Duration memory;

    private transient ValueState<ChangeVersion> lastPassed;
    private transient Counter staleDropped;

    public StaleResultGuard(Duration memory) {
        if (memory == null || memory.isNegative() || memory.isZero()) {
            throw new IllegalArgumentException("memory must be a positive duration, was " + memory);
        }
        this.memory = memory;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<ChangeVersion> descriptor =
                new ValueStateDescriptor<>("last-passed", TypeInformation.of(ChangeVersion.class));
        descriptor.enableTimeToLive(
                StateTtlConfig.newBuilder(memory)
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        .build());
        lastPassed = getRuntimeContext().getState(descriptor);
        staleDropped = getRuntimeContext().getMetricGroup().counter("staleResultsDropped");
    }

    @Override
    public void processElement(SyncAction action, Context context, Collector<SyncAction> out)
            throws Exception {
        ChangeVersion last = lastPassed.value();
        if (!action.version.isNewerThan(last)) {
            staleDropped.inc();
            LOG.debug(
                    "Dropped stale {} {}: version {} is not newer than {}",
                    action.type,
                    action.entityKey(),
                    action.version,
                    last);
            return;
        }
        lastPassed.update(action.version);
        out.collect(action);
    }
}
