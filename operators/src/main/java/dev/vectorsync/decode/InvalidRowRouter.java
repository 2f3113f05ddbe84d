package dev.vectorsync.decode;

import dev.vectorsync.deadletter.DeadLetter;
import dev.vectorsync.event.ChangeEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends change events that a source marked invalid ({@link ChangeEvent#invalidReason}) to the
 * {@link #DEAD_LETTERS} side output and passes every other event on. Runs right after sources that
 * cannot emit dead letters themselves: the CDC deserializer and the JDBC row extractor.
 */
public class InvalidRowRouter extends ProcessFunction<ChangeEvent, ChangeEvent> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(InvalidRowRouter.class);

    public static final String STAGE = "decode";

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("invalid-row-dead-letters", TypeInformation.of(DeadLetter.class));

    private transient Counter invalidRows;
    private transient Counter validRows;
    private transient long lastWarnMillis;
    private transient long suppressedWarnings;

    @Override
    public void open(OpenContext openContext) {
        invalidRows = getRuntimeContext().getMetricGroup().counter("invalidEntries");
        validRows = getRuntimeContext().getMetricGroup().counter("decodedEntries");
    }

    @Override
    public void processElement(ChangeEvent event, Context context, Collector<ChangeEvent> out) {
        if (event.invalidReason == null) {
            validRows.inc();
            out.collect(event);
            return;
        }
        invalidRows.inc();
        warnRateLimited(event);
        context.output(
                DEAD_LETTERS,
                new DeadLetter(
                        event.sourceName,
                        event.sourcePosition,
                        event.sourcePayload,
                        event.invalidReason,
                        STAGE,
                        System.currentTimeMillis()));
    }

    /** Logs at most one WARN per second and counts the rest. */
    private void warnRateLimited(ChangeEvent event) {
        long now = System.currentTimeMillis();
        if (now - lastWarnMillis < 1000) {
            suppressedWarnings++;
            return;
        }
        LOG.warn(
                "Dead-lettered a row of {} at {}: {} ({} similar warnings suppressed in the last second)",
                event.sourceName,
                event.sourcePosition,
                event.invalidReason,
                suppressedWarnings);
        lastWarnMillis = now;
        suppressedWarnings = 0;
    }
}
