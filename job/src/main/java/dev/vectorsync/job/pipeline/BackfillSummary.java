package dev.vectorsync.job.pipeline;

import org.apache.flink.api.common.JobExecutionResult;

import java.util.Locale;

/**
 * The result of a backfill: rows read, written to Milvus, skipped because the post is not
 * publishable, and dead-lettered, with the run time and rate. Built from the accumulators of
 * {@link BackfillCounters} once the job has ended.
 */
public record BackfillSummary(
        long rowsRead, long rowsWritten, long rowsNotPublishable, long deadLetters, long runtimeMillis) {

    public static BackfillSummary of(JobExecutionResult result) {
        return new BackfillSummary(
                count(result, BackfillCounters.ROWS_READ),
                count(result, BackfillCounters.ROWS_WRITTEN),
                count(result, BackfillCounters.ROWS_NOT_PUBLISHABLE),
                count(result, BackfillCounters.DEAD_LETTERS),
                result.getNetRuntime());
    }

    /** Rows read per second of run time. */
    public double rowsPerSecond() {
        return runtimeMillis == 0 ? 0 : rowsRead * 1000.0 / runtimeMillis;
    }

    private static long count(JobExecutionResult result, String name) {
        Object value = result.getAllAccumulatorResults().get(name);
        return value instanceof Number ? ((Number) value).longValue() : 0;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "Backfill finished: %d rows read, %d written to Milvus, %d skipped as not publishable,"
                        + " %d dead-lettered in %.1f s (%.1f rows/s)",
                rowsRead, rowsWritten, rowsNotPublishable, deadLetters, runtimeMillis / 1000.0,
                rowsPerSecond());
    }
}
