package dev.vectorsync.job.pipeline;

import dev.vectorsync.action.SyncAction;
import dev.vectorsync.deadletter.DeadLetter;
import dev.vectorsync.deadletter.FailedActionRouter;
import dev.vectorsync.deadletter.RedisDeadLetterSink;
import dev.vectorsync.decode.ChangeEventDecoder;
import dev.vectorsync.decode.InvalidRowRouter;
import dev.vectorsync.decode.RedisEntryDecodeFunction;
import dev.vectorsync.embedding.EmbeddingAsyncFunction;
import dev.vectorsync.embedding.EmbeddingModelConfig;
import dev.vectorsync.event.ChangeEvent;
import dev.vectorsync.event.EntityType;
import dev.vectorsync.job.config.JobMode;
import dev.vectorsync.job.config.JobSettings;
import dev.vectorsync.job.config.SourceType;
import dev.vectorsync.job.config.VectorSyncOptions.StartPosition;
import dev.vectorsync.milvus.MilvusConnectionConfig;
import dev.vectorsync.milvus.MilvusSink;
import dev.vectorsync.milvus.MilvusStoredVectors;
import dev.vectorsync.ordering.LatestWriteWinsFunction;
import dev.vectorsync.ordering.StaleResultGuard;
import dev.vectorsync.redis.RedisConnectionConfig;
import dev.vectorsync.source.cdc.SourceTable;
import dev.vectorsync.source.jdbc.JdbcBackfillSourceFactory;
import dev.vectorsync.source.redis.RedisStreamEntry;
import dev.vectorsync.source.redis.RedisStreamsSource;
import dev.vectorsync.source.redis.RedisStreamsStartPosition;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.vectorsync.job.config.VectorSyncOptions.*;

/**
 * Wires the sync job. A source stage turns its input into change events and dead letters: Redis
 * Streams with JSON decoding, SQL Server or Postgres CDC, or, for {@code --mode backfill}, bounded
 * JDBC reads of both tables. One downstream pipeline serves them all: latest write wins per row,
 * asynchronous embedding, a guard against results that finish out of order, the Milvus sink and
 * the dead-letter stream.
 *
 * <p>Every stateful operator has a fixed uid (the constants below): a savepoint taken by one build
 * restores into the next only while these stay the same.
 */
public final class SyncPipeline {

    public static final String SOURCE_UID = "redis-streams-source";
    public static final String DECODE_UID = "decode-entries";
    public static final String LATEST_WRITE_UID = "latest-write-wins";
    public static final String EMBEDDING_UID = "embed-text";
    public static final String FAILURE_ROUTER_UID = "route-embedding-failures";
    public static final String STALE_GUARD_UID = "stale-result-guard";
    public static final String MILVUS_SINK_UID = "milvus-sink";
    public static final String DEAD_LETTER_SINK_UID = "dead-letter-sink";
    public static final String SQLSERVER_CDC_SOURCE_UID = "sqlserver-cdc-source";
    public static final String POSTGRES_CDC_SOURCE_UID = "postgres-cdc-source";
    public static final String CDC_ROUTE_UID = "route-invalid-cdc-rows";
    /** Followed by {@code posts} or {@code users}. */
    public static final String BACKFILL_SOURCE_UID_PREFIX = "jdbc-backfill-";
    public static final String BACKFILL_ROUTE_UID = "route-invalid-backfill-rows";

    private static final Duration ASYNC_TIMEOUT_MARGIN = Duration.ofSeconds(30);

    private SyncPipeline() {}

    /**
     * Adds the sync job to {@code env}: the source stage that {@code source.type} and the job
     * mode select, then the shared downstream pipeline.
     *
     * @param environment the process environment, where the Redis password, the Milvus token and
     *     the database password are read from
     */
    public static void build(
            StreamExecutionEnvironment env, JobSettings settings, Map<String, String> environment) {
        SourceStage source;
        if (settings.mode() == JobMode.BACKFILL) {
            source = backfillSource(env, settings, environment);
        } else if (settings.sourceType().isDatabase()) {
            source = cdcSource(env, settings, environment);
        } else {
            source = redisSource(env, settings, environment);
        }
        buildDownstream(source, settings, environment);
    }

    /**
     * Adds the pipeline that every source shares: latest write wins per row, asynchronous
     * embedding, routing of embedding failures, the stale-result guard, the Milvus sink and the
     * dead-letter sink.
     */
    static void buildDownstream(SourceStage source, JobSettings settings, Map<String, String> environment) {
        RedisConnectionConfig redis = ComponentConfigs.redis(settings, environment);
        MilvusConnectionConfig milvus = ComponentConfigs.milvus(settings, environment);
        EmbeddingModelConfig embedding = ComponentConfigs.embedding(settings);
        int dimension = ComponentConfigs.vectorDimension(settings);
        boolean backfill = settings.mode() == JobMode.BACKFILL;

        DataStream<SyncAction> actions =
                source.events()
                        .keyBy(ChangeEvent::entityKey)
                        .process(
                                new LatestWriteWinsFunction(
                                        new HashSet<>(settings.get(PUBLISHABLE_STATUSES)),
                                        settings.get(TOMBSTONE_TTL)))
                        .uid(LATEST_WRITE_UID)
                        .name("Latest write wins");

        DataStream<SyncAction> embedded =
                AsyncDataStream.unorderedWait(
                                actions,
                                new EmbeddingAsyncFunction(
                                        embedding,
                                        settings.get(REUSE_STORED_VECTORS)
                                                ? new MilvusStoredVectors(
                                                        milvus,
                                                        settings.get(POSTS_COLLECTION),
                                                        settings.get(USERS_COLLECTION))
                                                : null,
                                        settings.get(RECENT_VECTORS)),
                                asyncTimeout(embedding).toMillis(),
                                TimeUnit.MILLISECONDS,
                                settings.get(EMBEDDING_CAPACITY))
                        .uid(EMBEDDING_UID)
                        .name("Embed text (" + embedding.modelId() + ")");

        SingleOutputStreamOperator<SyncAction> succeeded =
                embedded.process(new FailedActionRouter("embedding"))
                        .uid(FAILURE_ROUTER_UID)
                        .name("Route embedding failures");

        DataStream<SyncAction> guarded =
                succeeded
                        .keyBy(SyncAction::entityKey)
                        .process(new StaleResultGuard(settings.get(STALE_GUARD_TTL)))
                        .uid(STALE_GUARD_UID)
                        .name("Drop stale results");
        if (backfill) {
            guarded = BackfillCounters.countActions(guarded, settings.get(BACKFILL_PROGRESS_INTERVAL));
        }
        guarded.sinkTo(
                        MilvusSink.builder()
                                .connectionConfig(milvus)
                                .vectorDimension(dimension)
                                .postsCollection(settings.get(POSTS_COLLECTION))
                                .usersCollection(settings.get(USERS_COLLECTION))
                                .maxBufferedActions(settings.get(SINK_MAX_BUFFERED))
                                .maxBufferDelay(settings.get(SINK_MAX_DELAY))
                                // VectorSyncJob.prepare checks the collections once before submission.
                                .schemaCheckEnabled(false)
                                .build())
                .uid(MILVUS_SINK_UID)
                .name("Milvus sink");

        DataStream<DeadLetter> deadLetters =
                source.deadLetters().union(succeeded.getSideOutput(FailedActionRouter.DEAD_LETTERS));
        if (backfill) {
            deadLetters = BackfillCounters.countDeadLetters(deadLetters, settings.get(BACKFILL_PROGRESS_INTERVAL));
        }
        deadLetters
                .sinkTo(
                        RedisDeadLetterSink.builder()
                                .setConnectionConfig(redis)
                                .setStream(settings.get(DEAD_LETTER_STREAM))
                                .setMaxLength(settings.get(DEAD_LETTER_MAX_LENGTH))
                                .build())
                .uid(DEAD_LETTER_SINK_UID)
                .name("Dead-letter stream");
    }

    private static SourceStage redisSource(
            StreamExecutionEnvironment env, JobSettings settings, Map<String, String> environment) {
        RedisConnectionConfig redis = ComponentConfigs.redis(settings, environment);
        DataStream<RedisStreamEntry> entries =
                env.fromSource(redisStreamsSource(settings, redis), WatermarkStrategy.noWatermarks(), "Redis Streams source")
                        .uid(SOURCE_UID);

        SingleOutputStreamOperator<ChangeEvent> events =
                entries.process(
                                new RedisEntryDecodeFunction(
                                        streamEntityTypes(settings),
                                        new ChangeEventDecoder(settings.get(MAX_PAYLOAD_BYTES))))
                        .uid(DECODE_UID)
                        .name("Decode job payloads");
        return new SourceStage(events, events.getSideOutput(RedisEntryDecodeFunction.DEAD_LETTERS));
    }

    private static SourceStage cdcSource(
            StreamExecutionEnvironment env, JobSettings settings, Map<String, String> environment) {
        boolean sqlServer = settings.sourceType() == SourceType.SQLSERVER_CDC;
        DataStream<ChangeEvent> rows =
                env.fromSource(
                                new DatabaseSources(settings, environment).cdcSource(),
                                WatermarkStrategy.noWatermarks(),
                                sqlServer ? "SQL Server CDC source" : "Postgres CDC source")
                        .uid(sqlServer ? SQLSERVER_CDC_SOURCE_UID : POSTGRES_CDC_SOURCE_UID);
        return routeInvalidRows(rows, CDC_ROUTE_UID, "Route invalid CDC rows");
    }

    private static SourceStage backfillSource(
            StreamExecutionEnvironment env, JobSettings settings, Map<String, String> environment) {
        DatabaseSources database = new DatabaseSources(settings, environment);
        JdbcBackfillSourceFactory jdbc = database.jdbc();
        String versionColumn = settings.get(BACKFILL_VERSION_COLUMN);
        versionColumn = versionColumn == null || versionColumn.isBlank() ? null : versionColumn;

        DataStream<ChangeEvent> rows = null;
        for (SourceTable table : database.tables()) {
            String name = table.entityType() == EntityType.POST ? "posts" : "users";
            DataStream<ChangeEvent> tableRows;
            try {
                tableRows =
                        env.fromSource(
                                        jdbc.create(table, versionColumn, settings.get(CDC_SERVER_TIME_ZONE),
                                                settings.get(BACKFILL_SPLIT_ROWS)),
                                        WatermarkStrategy.noWatermarks(),
                                        "JDBC backfill of " + table.qualifiedName())
                                .uid(BACKFILL_SOURCE_UID_PREFIX + name);
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "cannot read the key range of " + table.qualifiedName() + " at "
                                + database.jdbcUrl() + ": " + e.getMessage(), e);
            }
            rows = rows == null ? tableRows : rows.union(tableRows);
        }
        rows = BackfillCounters.countRows(rows, settings.get(BACKFILL_PROGRESS_INTERVAL));
        return routeInvalidRows(rows, BACKFILL_ROUTE_UID, "Route invalid backfill rows");
    }

    private static SourceStage routeInvalidRows(DataStream<ChangeEvent> rows, String uid, String name) {
        SingleOutputStreamOperator<ChangeEvent> valid =
                rows.process(new InvalidRowRouter()).uid(uid).name(name);
        return new SourceStage(valid, valid.getSideOutput(InvalidRowRouter.DEAD_LETTERS));
    }

    /**
     * Flink's own timeout for the embedding step: longer than every attempt and backoff together,
     * so that it fires only when the model hangs, and then yields a dead letter, not a failure.
     */
    private static Duration asyncTimeout(EmbeddingModelConfig embedding) {
        return embedding.maxRetryDuration().plus(ASYNC_TIMEOUT_MARGIN);
    }

    private static RedisStreamsSource redisStreamsSource(JobSettings settings, RedisConnectionConfig redis) {
        return RedisStreamsSource.builder()
                .setConnectionConfig(redis)
                .setStreams(settings.get(POST_STREAM), settings.get(USER_STREAM))
                .setGroupName(settings.get(CONSUMER_GROUP))
                .setConsumerNamePrefix(settings.get(CONSUMER_PREFIX))
                .setStartPosition(
                        settings.get(START_POSITION) == StartPosition.LATEST
                                ? RedisStreamsStartPosition.LATEST
                                : RedisStreamsStartPosition.EARLIEST)
                .setFetchBatchSize(settings.get(FETCH_SIZE))
                .setBlockTime(settings.get(BLOCK_TIME))
                .setReconnectDeadline(settings.get(RECONNECT_TIMEOUT))
                .setBoundedness(
                        settings.get(BOUNDED)
                                ? Boundedness.BOUNDED
                                : Boundedness.CONTINUOUS_UNBOUNDED)
                .build();
    }

    private static Map<String, EntityType> streamEntityTypes(JobSettings settings) {
        Map<String, EntityType> types = new LinkedHashMap<>();
        types.put(settings.get(POST_STREAM), EntityType.POST);
        types.put(settings.get(USER_STREAM), EntityType.USER);
        return types;
    }
}
