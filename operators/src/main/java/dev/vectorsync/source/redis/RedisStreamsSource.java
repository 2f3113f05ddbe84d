package dev.vectorsync.source.redis;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import dev.vectorsync.source.redis.enumerator.RedisStreamsEnumState;
import dev.vectorsync.source.redis.enumerator.RedisStreamsEnumStateSerializer;
import dev.vectorsync.source.redis.enumerator.RedisStreamsSplitEnumerator;
import dev.vectorsync.source.redis.reader.PendingAcknowledgements;
import dev.vectorsync.source.redis.reader.RedisStreamsSourceReader;
import dev.vectorsync.source.redis.reader.RedisStreamsSourceReaderMetrics;
import dev.vectorsync.source.redis.reader.RedisStreamsSplitReader;
import dev.vectorsync.source.redis.split.RedisStreamSplit;
import dev.vectorsync.source.redis.split.RedisStreamSplitSerializer;

/**
 * Reads Redis streams through a consumer group and emits each entry as a {@link
 * RedisStreamEntry}, without decoding its fields.
 *
 * <p>Each stream is one split, read by one subtask whose Redis consumer name is the configured
 * prefix followed by the subtask index. The position of a split is the id of the last emitted
 * entry and is stored in checkpoints. Delivery is at least once: entries are acknowledged (XACK)
 * only after a checkpoint covering them completes, so checkpointing must be enabled. After a
 * failure, entries emitted after the restored checkpoint are read again.
 *
 * <p>The source is unbounded by default. In bounded mode it reads each stream up to the last entry
 * that existed when the job first started and then finishes.
 *
 * <pre>{@code
 * RedisStreamsSource source = RedisStreamsSource.builder()
 *         .setConnectionConfig(RedisConnectionConfig.builder()
 *                 .setHost("redis")
 *                 .setPassword(System.getenv("REDIS_PASSWORD"))
 *                 .build())
 *         .setStreams("post-sync", "user-sync")
 *         .setGroupName("vector-sync")
 *         .build();
 * env.fromSource(source, WatermarkStrategy.noWatermarks(), "redis-streams")
 *         .uid("redis-streams-source");
 * }</pre>
 */
@PublicEvolving
public final class RedisStreamsSource
        implements Source<RedisStreamEntry, RedisStreamSplit, RedisStreamsEnumState>,
                ResultTypeQueryable<RedisStreamEntry> {

    private static final long serialVersionUID = 1L;

    private final RedisStreamsSourceConfig config;

    RedisStreamsSource(RedisStreamsSourceConfig config) {
        this.config = config;
    }

    /** Returns a builder; see {@link RedisStreamsSourceBuilder} for settings and defaults. */
    public static RedisStreamsSourceBuilder builder() {
        return new RedisStreamsSourceBuilder();
    }

    @Override
    public Boundedness getBoundedness() {
        return config.getBoundedness();
    }

    @Override
    public SourceReader<RedisStreamEntry, RedisStreamSplit> createReader(
            SourceReaderContext readerContext) {
        RedisStreamsSourceReaderMetrics metrics =
                new RedisStreamsSourceReaderMetrics(readerContext.metricGroup());
        int subtaskIndex = readerContext.getIndexOfSubtask();
        return new RedisStreamsSourceReader(
                () -> new RedisStreamsSplitReader(config, subtaskIndex, metrics),
                config,
                new PendingAcknowledgements(),
                metrics,
                readerContext);
    }

    @Override
    public SplitEnumerator<RedisStreamSplit, RedisStreamsEnumState> createEnumerator(
            SplitEnumeratorContext<RedisStreamSplit> enumContext) {
        return new RedisStreamsSplitEnumerator(enumContext, config, null);
    }

    @Override
    public SplitEnumerator<RedisStreamSplit, RedisStreamsEnumState> restoreEnumerator(
            SplitEnumeratorContext<RedisStreamSplit> enumContext,
            RedisStreamsEnumState checkpoint) {
        return new RedisStreamsSplitEnumerator(enumContext, config, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<RedisStreamSplit> getSplitSerializer() {
        return RedisStreamSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<RedisStreamsEnumState> getEnumeratorCheckpointSerializer() {
        return new RedisStreamsEnumStateSerializer();
    }

    @Override
    public TypeInformation<RedisStreamEntry> getProducedType() {
        return RedisStreamEntry.TYPE_INFO;
    }

    @VisibleForTesting
    RedisStreamsSourceConfig getConfig() {
        return config;
    }
}
