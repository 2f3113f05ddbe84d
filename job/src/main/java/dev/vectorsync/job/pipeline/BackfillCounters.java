package dev.vectorsync.job.pipeline;

import dev.vectorsync.action.SyncAction;
import dev.vectorsync.action.SyncActionType;
import dev.vectorsync.deadletter.DeadLetter;
import dev.vectorsync.event.ChangeEvent;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Counts what a backfill reads and writes, in Flink accumulators that {@link BackfillSummary}
 * reads once the job ends, and logs each subtask's counts every progress interval. Only the
 * backfill adds these operators; the streaming job graph is unchanged.
 */
final class BackfillCounters {

    static final String ROWS_READ = "backfillRowsRead";
    static final String ROWS_WRITTEN = "backfillRowsWritten";
    static final String ROWS_NOT_PUBLISHABLE = "backfillRowsNotPublishable";
    static final String DEAD_LETTERS = "backfillDeadLetters";

    static final String ROWS_UID = "backfill-count-rows";
    static final String ACTIONS_UID = "backfill-count-actions";
    static final String DEAD_LETTERS_UID = "backfill-count-dead-letters";

    private BackfillCounters() {}

    static DataStream<ChangeEvent> countRows(DataStream<ChangeEvent> rows, Duration interval) {
        return rows.map(new Counting<ChangeEvent>(interval, "rows read") {
                    private static final long serialVersionUID = 1L;

                    @Override
                    String counterOf(ChangeEvent event) {
                        return ROWS_READ;
                    }
                })
                .uid(ROWS_UID)
                .name("Count backfill rows");
    }

    /**
     * Counts the actions that reach the sink. A backfill reads no deletes, so a delete here is a
     * post whose status is not publishable.
     */
    static DataStream<SyncAction> countActions(DataStream<SyncAction> actions, Duration interval) {
        return actions.map(new Counting<SyncAction>(interval, "actions to Milvus") {
                    private static final long serialVersionUID = 1L;

                    @Override
                    String counterOf(SyncAction action) {
                        return action.type == SyncActionType.UPSERT ? ROWS_WRITTEN : ROWS_NOT_PUBLISHABLE;
                    }
                })
                .uid(ACTIONS_UID)
                .name("Count backfill writes");
    }

    static DataStream<DeadLetter> countDeadLetters(DataStream<DeadLetter> letters, Duration interval) {
        return letters.map(new Counting<DeadLetter>(interval, "dead letters") {
                    private static final long serialVersionUID = 1L;

                    @Override
                    String counterOf(DeadLetter letter) {
                        return DEAD_LETTERS;
                    }
                })
                .uid(DEAD_LETTERS_UID)
                .name("Count backfill dead letters");
    }

    /** Passes elements through, adding each to the accumulator {@link #counterOf} names. */
    private abstract static class Counting<T> extends RichMapFunction<T, T> {

        private static final long serialVersionUID = 1L;
        private static final Logger LOG = LoggerFactory.getLogger(BackfillCounters.class);

        private final long intervalMillis;
        private final String label;

        private transient java.util.Map<String, LongCounter> counters;
        private transient long total;
        private transient long nextLogMillis;

        Counting(Duration interval, String label) {
            this.intervalMillis = interval.toMillis();
            this.label = label;
        }

        abstract String counterOf(T element);

        @Override
        public void open(OpenContext openContext) {
            counters = new java.util.HashMap<>();
            nextLogMillis = System.currentTimeMillis() + intervalMillis;
        }

        @Override
        public T map(T element) {
            String name = counterOf(element);
            LongCounter counter = counters.get(name);
            if (counter == null) {
                counter = new LongCounter();
                getRuntimeContext().addAccumulator(name, counter);
                counters.put(name, counter);
            }
            counter.add(1);
            total++;

            long now = System.currentTimeMillis();
            if (now >= nextLogMillis) {
                LOG.info("Backfill progress of subtask {}: {} {}",
                        getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), total, label);
                nextLogMillis = now + intervalMillis;
            }
            return element;
        }
    }
}
