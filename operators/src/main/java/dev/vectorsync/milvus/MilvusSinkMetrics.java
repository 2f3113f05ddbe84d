package dev.vectorsync.milvus;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Metrics of one Milvus sink writer, in the subgroup {@code milvus} of the writer's metric group:
 * counters {@code rowsUpserted}, {@code rowsDeleted}, {@code flushes} and {@code retries}, and the
 * histogram {@code flushLatencyMs} over the last 1000 flushes. Sent rows also count towards
 * Flink's standard {@code numRecordsSend}.
 */
final class MilvusSinkMetrics {

    static final String GROUP = "milvus";

    private static final int LATENCY_WINDOW = 1000;

    private final Counter rowsUpserted;
    private final Counter rowsDeleted;
    private final Counter flushes;
    private final Counter retries;
    private final Histogram flushLatencyMillis;
    private final Counter recordsSent;

    MilvusSinkMetrics(SinkWriterMetricGroup writerGroup) {
        MetricGroup group = writerGroup.addGroup(GROUP);
        this.rowsUpserted = group.counter("rowsUpserted");
        this.rowsDeleted = group.counter("rowsDeleted");
        this.flushes = group.counter("flushes");
        this.retries = group.counter("retries");
        this.flushLatencyMillis =
                group.histogram("flushLatencyMs", new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
        this.recordsSent = writerGroup.getNumRecordsSendCounter();
    }

    void onFlush(int upserted, int deleted, long latencyMillis) {
        rowsUpserted.inc(upserted);
        rowsDeleted.inc(deleted);
        recordsSent.inc(upserted + deleted);
        flushes.inc();
        flushLatencyMillis.update(latencyMillis);
    }

    void onRetry() {
        retries.inc();
    }

    Counter getRowsUpserted() {
        return rowsUpserted;
    }

    Counter getRowsDeleted() {
        return rowsDeleted;
    }

    Counter getFlushes() {
        return flushes;
    }

    Counter getRetries() {
        return retries;
    }
}
