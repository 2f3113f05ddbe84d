package dev.vectorsync.source.redis.reader;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Counters of one source reader, registered in the metric group {@code redisStreams} below the
 * reader's group.
 *
 * <ul>
 *   <li>{@code entriesRead}: entries returned by XREADGROUP, counted on the fetcher thread;
 *   <li>{@code ackFailures}: XACK calls that failed, counted on the task thread;
 *   <li>{@code reconnects}: connection attempts after a failure, counted on the fetcher thread.
 * </ul>
 *
 * Each counter has one writing thread, which is what Flink's simple counters require.
 */
@Internal
public final class RedisStreamsSourceReaderMetrics {

    public static final String GROUP = "redisStreams";
    public static final String ENTRIES_READ = "entriesRead";
    public static final String ACK_FAILURES = "ackFailures";
    public static final String RECONNECTS = "reconnects";

    private final Counter entriesRead;
    private final Counter ackFailures;
    private final Counter reconnects;

    public RedisStreamsSourceReaderMetrics(MetricGroup readerMetricGroup) {
        MetricGroup group = readerMetricGroup.addGroup(GROUP);
        this.entriesRead = group.counter(ENTRIES_READ);
        this.ackFailures = group.counter(ACK_FAILURES);
        this.reconnects = group.counter(RECONNECTS);
    }

    public Counter entriesRead() {
        return entriesRead;
    }

    public Counter ackFailures() {
        return ackFailures;
    }

    public Counter reconnects() {
        return reconnects;
    }
}
