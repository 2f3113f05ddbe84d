package dev.vectorsync.source.redis.reader;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;

import dev.vectorsync.source.redis.RedisStreamEntry;
import dev.vectorsync.source.redis.RedisStreamsSourceConfig;
import dev.vectorsync.source.redis.split.RedisStreamSplit;
import dev.vectorsync.source.redis.split.RedisStreamSplitState;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Source reader of {@link dev.vectorsync.source.redis.RedisStreamsSource}: one fetcher thread
 * reads all assigned streams, and this class acknowledges the emitted entries once a checkpoint
 * that covers them has completed.
 *
 * <p>Delivery is at least once. An entry is acknowledged (XACK) only in {@link
 * #notifyCheckpointComplete(long)} of a checkpoint taken after it was emitted, so after a failure
 * the group still lists it as pending and the restored reader reads it again. An XACK that fails
 * with a Jedis exception is logged at WARN, counted in {@code redisStreams.ackFailures} and
 * retried at the next completed checkpoint, so it does not fail the job.
 *
 * <p>Threading: {@link #snapshotState}, {@link #notifyCheckpointComplete} and the record emitter
 * run on the task thread, which also owns the acknowledgement connection. The fetcher thread uses
 * its own connection.
 */
@Internal
public final class RedisStreamsSourceReader
        extends SingleThreadMultiplexSourceReaderBase<
                RedisStreamEntry, RedisStreamEntry, RedisStreamSplit, RedisStreamSplitState> {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamsSourceReader.class);

    private final RedisStreamsSourceConfig config;
    private final PendingAcknowledgements pendingAcknowledgements;
    private final RedisStreamsSourceReaderMetrics metrics;

    @Nullable private Jedis ackConnection;

    public RedisStreamsSourceReader(
            Supplier<SplitReader<RedisStreamEntry, RedisStreamSplit>> splitReaderSupplier,
            RedisStreamsSourceConfig config,
            PendingAcknowledgements pendingAcknowledgements,
            RedisStreamsSourceReaderMetrics metrics,
            SourceReaderContext context) {
        super(
                splitReaderSupplier,
                new RedisStreamsRecordEmitter(pendingAcknowledgements),
                context.getConfiguration(),
                context);
        this.config = config;
        this.pendingAcknowledgements = pendingAcknowledgements;
        this.metrics = metrics;
    }

    @Override
    protected void onSplitFinished(Map<String, RedisStreamSplitState> finishedSplitIds) {
        finishedSplitIds.forEach(
                (stream, state) ->
                        LOG.info(
                                "Emitted all entries of Redis stream {} up to entry {}",
                                stream,
                                state.getPosition() == null
                                        ? "(none: the stream had no entries to read)"
                                        : state.getPosition()));
    }

    @Override
    protected RedisStreamSplitState initializedState(RedisStreamSplit split) {
        return new RedisStreamSplitState(split);
    }

    @Override
    protected RedisStreamSplit toSplitType(String splitId, RedisStreamSplitState splitState) {
        return splitState.toSplit();
    }

    /** Stores the split positions and files the entries emitted since the last checkpoint. */
    @Override
    public List<RedisStreamSplit> snapshotState(long checkpointId) {
        List<RedisStreamSplit> splits = super.snapshotState(checkpointId);
        pendingAcknowledgements.snapshot(checkpointId);
        LOG.debug("Checkpoint {}: Redis stream splits {}", checkpointId, splits);
        return splits;
    }

    /** Acknowledges the entries of all checkpoints up to {@code checkpointId}. */
    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        Map<String, List<String>> idsByStream = pendingAcknowledgements.takeUpTo(checkpointId);
        if (idsByStream.isEmpty()) {
            return;
        }
        idsByStream.forEach((stream, ids) -> acknowledge(checkpointId, stream, ids));
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            closeAckConnection();
        }
    }

    private void acknowledge(long checkpointId, String stream, List<String> entryIds) {
        try {
            long acknowledged =
                    StreamAcknowledger.acknowledge(
                            ackConnection(), stream, config.getGroupName(), entryIds);
            LOG.debug(
                    "Checkpoint {} complete: acknowledged {} of {} entries of Redis stream {}",
                    checkpointId,
                    acknowledged,
                    entryIds.size(),
                    stream);
        } catch (JedisException e) {
            metrics.ackFailures().inc();
            closeAckConnection();
            pendingAcknowledgements.putBack(checkpointId, stream, entryIds);
            LOG.warn(
                    "Acknowledging {} entries of Redis stream {} for checkpoint {} failed; they"
                            + " stay pending and are retried after the next checkpoint",
                    entryIds.size(),
                    stream,
                    checkpointId,
                    e);
        }
    }

    private Jedis ackConnection() {
        if (ackConnection == null) {
            ackConnection = config.getConnection().openConnection();
        }
        return ackConnection;
    }

    private void closeAckConnection() {
        if (ackConnection == null) {
            return;
        }
        try {
            ackConnection.close();
        } catch (JedisException e) {
            LOG.debug("Closing the Redis acknowledgement connection failed", e);
        }
        ackConnection = null;
    }
}
