package dev.vectorsync.deadletter;

import dev.vectorsync.action.SyncAction;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Passes successful actions on and sends those that a stage gave up on ({@link SyncAction#failure}
 * set) to the {@link #DEAD_LETTERS} side output, with the original source entry.
 */
public class FailedActionRouter extends ProcessFunction<SyncAction, SyncAction> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("embedding-dead-letters", TypeInformation.of(DeadLetter.class));

    private final String stage;

    private transient Counter failedActions;

    /** @param stage name of the stage whose failures this router receives, for example "embedding" */
    public FailedActionRouter(String stage) {
        this.stage = stage;
    }

    @Override
    public void open(OpenContext openContext) {
        failedActions = getRuntimeContext().getMetricGroup().counter("failedActions");
    }

    @Override
    public void processElement(SyncAction action, Context context, Collector<SyncAction> out) {
        if (!action.isFailed()) {
            out.collect(action);
            return;
        }
        failedActions.inc();
        DeadLetter letter = new DeadLetter();
        letter.sourceName = action.sourceName;
        letter.sourcePosition = action.sourcePosition;
        letter.payload = action.sourcePayload;
        letter.reason = action.failure;
        letter.stage = stage;
        letter.failedAt = System.currentTimeMillis();
        context.output(DEAD_LETTERS, letter);
    }
}
