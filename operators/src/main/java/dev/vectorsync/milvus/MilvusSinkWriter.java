package dev.vectorsync.milvus;

import dev.vectorsync.action.SyncAction;
import dev.vectorsync.event.EntityType;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import com.google.gson.JsonObject;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.UpsertReq;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writer of {@link MilvusSink}: buffers actions per collection and sends them in batches.
 *
 * <p>Buffering keeps only the last action per primary key, in the order of the last writes, so an
 * upsert followed by a delete of the same id leaves only the delete. A flush therefore sends ids
 * that are either deleted or upserted, never both, and it sends one delete and one upsert request
 * per collection in any order. The buffer is cleared only after the server accepted it.
 *
 * <p>Threading: Flink calls {@link #write}, {@link #flush} and {@link #close} on the task's mailbox
 * thread, and the {@link ProcessingTimeService} runs the buffer-delay timer on the same thread, so
 * the buffer needs no locks. Flushes block that thread, including the backoff between retries, for
 * at most the retry deadline plus one RPC timeout.
 */
@Internal
public class MilvusSinkWriter implements SinkWriter<SyncAction> {

    private static final Logger LOG = LoggerFactory.getLogger(MilvusSinkWriter.class);

    private final MilvusConnectionConfig connectionConfig;
    private final Map<EntityType, String> collectionNames = new EnumMap<>(EntityType.class);
    private final int maxBufferedActions;
    private final long maxBufferDelayMillis;
    private final ProcessingTimeService timeService;
    private final MilvusSinkMetrics metrics;
    private final int subtaskIndex;

    private final MilvusClientV2 client;
    private final MilvusRowMapper rowMapper;
    private final MilvusRequestRetrier retrier;

    /** Per collection: primary key to the row to upsert, or to null for a delete. */
    private final Map<EntityType, LinkedHashMap<Long, JsonObject>> buffers =
            new EnumMap<>(EntityType.class);

    private int bufferedActions;
    /** Processing time (epoch ms) when the oldest buffered action arrived; -1 when empty. */
    private long oldestBufferedAt = -1;

    private boolean timerPending;

    MilvusSinkWriter(
            MilvusSink sink,
            ProcessingTimeService timeService,
            SinkWriterMetricGroup metricGroup,
            int subtaskIndex) {
        this.connectionConfig = sink.getConnectionConfig();
        this.collectionNames.put(EntityType.POST, sink.getPostsCollection());
        this.collectionNames.put(EntityType.USER, sink.getUsersCollection());
        this.maxBufferedActions = sink.getMaxBufferedActions();
        this.maxBufferDelayMillis = sink.getMaxBufferDelay().toMillis();
        this.timeService = timeService;
        this.metrics = new MilvusSinkMetrics(metricGroup);
        this.subtaskIndex = subtaskIndex;
        for (EntityType type : EntityType.values()) {
            buffers.put(type, new LinkedHashMap<>());
        }

        this.rowMapper = new MilvusRowMapper(sink.getVectorDimension());
        this.retrier = new MilvusRequestRetrier(connectionConfig, metrics::onRetry);
        this.client = connectionConfig.createClient();
        if (sink.isSchemaCheckEnabled()) {
            checkSchema(sink);
        }
        LOG.info(
                "Opened Milvus sink writer {} for {} (posts '{}', users '{}', max {} actions or {}"
                        + " ms buffered)",
                subtaskIndex,
                connectionConfig,
                sink.getPostsCollection(),
                sink.getUsersCollection(),
                maxBufferedActions,
                maxBufferDelayMillis);
    }

    private void checkSchema(MilvusSink sink) {
        try {
            new MilvusSchemaManager(client)
                    .ensurePostsAndUsers(
                            sink.getPostsCollection(),
                            sink.getUsersCollection(),
                            sink.getVectorDimension());
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * Buffers one action and flushes when the buffer reaches the max size.
     *
     * @throws IllegalArgumentException if the action failed upstream or cannot be mapped to a row
     */
    @Override
    public void write(SyncAction action, Context context)
            throws MilvusWriteException, InterruptedException {
        JsonObject row = toBufferedValue(action);

        LinkedHashMap<Long, JsonObject> buffer = buffers.get(action.entityType);
        boolean newKey = !buffer.containsKey(action.id);
        // Removing first moves a repeated key to the end, the position of its last write.
        buffer.remove(action.id);
        buffer.put(action.id, row);
        if (newKey) {
            bufferedActions++;
        }
        if (oldestBufferedAt < 0) {
            oldestBufferedAt = timeService.getCurrentProcessingTime();
            scheduleFlushTimer();
        }

        if (bufferedActions >= maxBufferedActions) {
            flushBuffers();
        }
    }

    /** Sends everything buffered; Flink calls it before each checkpoint barrier and at the end. */
    @Override
    public void flush(boolean endOfInput) throws MilvusWriteException, InterruptedException {
        flushBuffers();
    }

    /** Closes the client without flushing: actions not yet checkpointed are replayed on restart. */
    @Override
    public void close() {
        client.close();
        LOG.info(
                "Closed Milvus sink writer {} ({} rows upserted, {} deleted, {} retries, {} actions"
                        + " left unflushed)",
                subtaskIndex,
                metrics.getRowsUpserted().getCount(),
                metrics.getRowsDeleted().getCount(),
                metrics.getRetries().getCount(),
                bufferedActions);
    }

    @VisibleForTesting
    int bufferedActions() {
        return bufferedActions;
    }

    @VisibleForTesting
    MilvusSinkMetrics metrics() {
        return metrics;
    }

    private JsonObject toBufferedValue(SyncAction action) {
        if (action.isFailed()) {
            throw new IllegalArgumentException(
                    "action "
                            + action
                            + " failed upstream ("
                            + action.failure
                            + ") and must go to the dead-letter output, not to the Milvus sink");
        }
        if (action.type == null || action.entityType == null) {
            throw new IllegalArgumentException(
                    "action for id " + action.id + " lacks its type or entity type");
        }
        return action.isUpsert() ? rowMapper.toRow(action) : null;
    }

    private void scheduleFlushTimer() {
        if (timerPending) {
            return;
        }
        timerPending = true;
        timeService.registerTimer(oldestBufferedAt + maxBufferDelayMillis, this::onFlushTimer);
    }

    private void onFlushTimer(long time) throws MilvusWriteException, InterruptedException {
        timerPending = false;
        if (oldestBufferedAt < 0) {
            return;
        }
        // The timer may belong to a batch that was flushed by size or by a checkpoint since.
        if (time < oldestBufferedAt + maxBufferDelayMillis) {
            scheduleFlushTimer();
            return;
        }
        flushBuffers();
    }

    private void flushBuffers() throws MilvusWriteException, InterruptedException {
        if (bufferedActions == 0) {
            return;
        }
        long startNanos = System.nanoTime();
        long deadlineNanos = startNanos + connectionConfig.getRetryDeadline().toNanos();
        int upserted = 0;
        int deleted = 0;

        for (EntityType type : EntityType.values()) {
            LinkedHashMap<Long, JsonObject> buffer = buffers.get(type);
            if (buffer.isEmpty()) {
                continue;
            }
            FlushBatch batch = FlushBatch.of(buffer);
            sendBatch(collectionNames.get(type), batch, deadlineNanos);
            upserted += batch.rows.size();
            deleted += batch.deleteIds.size();
            bufferedActions -= buffer.size();
            buffer.clear();
        }
        oldestBufferedAt = -1;

        long latencyMillis = (System.nanoTime() - startNanos) / 1_000_000L;
        metrics.onFlush(upserted, deleted, latencyMillis);
        LOG.debug(
                "Milvus sink writer {} flushed {} upserts and {} deletes in {} ms",
                subtaskIndex,
                upserted,
                deleted,
                latencyMillis);
    }

    private void sendBatch(String collection, FlushBatch batch, long deadlineNanos)
            throws MilvusWriteException, InterruptedException {
        if (!batch.deleteIds.isEmpty()) {
            DeleteReq request =
                    DeleteReq.builder().collectionName(collection).ids(batch.deleteIds).build();
            retrier.call(
                    "delete of " + batch.deleteIds.size() + " rows from collection '" + collection + "'",
                    deadlineNanos,
                    () -> client.delete(request));
        }
        if (!batch.rows.isEmpty()) {
            UpsertReq request = UpsertReq.builder().collectionName(collection).data(batch.rows).build();
            retrier.call(
                    "upsert of " + batch.rows.size() + " rows into collection '" + collection + "'",
                    deadlineNanos,
                    () -> client.upsert(request));
        }
    }

    /** The rows to upsert and the ids to delete of one collection's buffer. */
    private static final class FlushBatch {

        private final List<JsonObject> rows = new ArrayList<>();
        private final List<Object> deleteIds = new ArrayList<>();

        static FlushBatch of(Map<Long, JsonObject> buffer) {
            FlushBatch batch = new FlushBatch();
            for (Map.Entry<Long, JsonObject> entry : buffer.entrySet()) {
                if (entry.getValue() == null) {
                    batch.deleteIds.add(entry.getKey());
                } else {
                    batch.rows.add(entry.getValue());
                }
            }
            return batch;
        }
    }
}
