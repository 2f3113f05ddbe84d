package dev.vectorsync.milvus;

import dev.vectorsync.action.SyncAction;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.time.Duration;

/**
 * Flink sink (Sink V2) that applies {@link SyncAction}s to the posts and users collections of
 * Milvus: an upsert writes the whole row, a delete removes it by primary key.
 *
 * <p>Delivery is at least once. Each writer buffers actions and flushes them when the buffer is
 * full, when its oldest action has waited the max buffer delay, and before every checkpoint
 * barrier. After a failure Flink replays the actions since the last checkpoint. Replaying an
 * upsert or a delete leaves the same rows, so the collections end up equal to the source.
 *
 * <p>Failed actions (with {@link SyncAction#failure} set) belong in the dead-letter output and
 * are rejected here. Build with {@link #builder()}.
 */
@PublicEvolving
public class MilvusSink implements Sink<SyncAction> {

    private static final long serialVersionUID = 1L;

    private final MilvusConnectionConfig connectionConfig;
    private final String postsCollection;
    private final String usersCollection;
    private final int vectorDimension;
    private final int maxBufferedActions;
    private final Duration maxBufferDelay;
    private final boolean schemaCheckEnabled;

    MilvusSink(
            MilvusConnectionConfig connectionConfig,
            String postsCollection,
            String usersCollection,
            int vectorDimension,
            int maxBufferedActions,
            Duration maxBufferDelay,
            boolean schemaCheckEnabled) {
        this.connectionConfig = connectionConfig;
        this.postsCollection = postsCollection;
        this.usersCollection = usersCollection;
        this.vectorDimension = vectorDimension;
        this.maxBufferedActions = maxBufferedActions;
        this.maxBufferDelay = maxBufferDelay;
        this.schemaCheckEnabled = schemaCheckEnabled;
    }

    public static MilvusSinkBuilder builder() {
        return new MilvusSinkBuilder();
    }

    /** Creates a writer; Flink 1.20 calls this variant. Opens the writer's Milvus client. */
    @Override
    public SinkWriter<SyncAction> createWriter(WriterInitContext context) {
        return new MilvusSinkWriter(
                this,
                context.getProcessingTimeService(),
                context.metricGroup(),
                context.getTaskInfo().getIndexOfThisSubtask());
    }

    /** Creates a writer for runtimes that still pass the deprecated context. */
    @Deprecated
    @Override
    public SinkWriter<SyncAction> createWriter(Sink.InitContext context) {
        return new MilvusSinkWriter(
                this,
                context.getProcessingTimeService(),
                context.metricGroup(),
                context.getSubtaskId());
    }

    MilvusConnectionConfig getConnectionConfig() {
        return connectionConfig;
    }

    String getPostsCollection() {
        return postsCollection;
    }

    String getUsersCollection() {
        return usersCollection;
    }

    int getVectorDimension() {
        return vectorDimension;
    }

    int getMaxBufferedActions() {
        return maxBufferedActions;
    }

    Duration getMaxBufferDelay() {
        return maxBufferDelay;
    }

    boolean isSchemaCheckEnabled() {
        return schemaCheckEnabled;
    }
}
