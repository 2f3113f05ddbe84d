package dev.vectorsync.job.pipeline;

import dev.vectorsync.action.SyncAction;
import dev.vectorsync.deadletter.DeadLetter;
import dev.vectorsync.deadletter.FailedActionRouter;
import dev.vectorsync.deadletter.RedisDeadLetterSink;
import dev.vectorsync.decode.ChangeEventDecoder;
import dev.vectorsync.decode.RedisEntryDecodeFunction;
import dev.vectorsync.embedding.EmbeddingAsyncFunction;
import dev.vectorsync.embedding.EmbeddingModelConfig;
import dev.vectorsync.event.ChangeEvent;
import dev.vectorsync.event.EntityType;
import dev.vectorsync.job.config.JobSettings;
import dev.vectorsync.job.config.VectorSyncOptions.StartPosition;
import dev.vectorsync.milvus.MilvusConnectionConfig;
import dev.vectorsync.milvus.MilvusSink;
import dev.vectorsync.ordering.LatestWriteWinsFunction;
import dev.vectorsync.ordering.StaleResultGuard;
import dev.vectorsync.redis.RedisConnectionConfig;
import dev.vectorsync.source.redis.RedisStreamEntry;
import dev.vectorsync.source.redis.RedisStreamsSource;
import dev.vectorsync.source.redis.RedisStreamsStartPosition;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.vectorsync.job.config.VectorSyncOptions.*;

/**
 * Wires the sync job: Redis Streams source, decoding (bad entries to dead letters), latest write
 * wins per row, asynchronous embedding, a guard against results that finish out of order, and
 * the Milvus sink.
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

    private static final Duration ASYNC_TIMEOUT_MARGIN = Duration.ofSeconds(30);

    private SyncPipeline() {}

    /**
     * Adds the sync job to {@code env}.
     *
     * @param environment the process environment, where the Redis password and the Milvus token
     *     are read from
     */
    public static void build(
            StreamExecutionEnvironment env, JobSettings settings, Map<String, String> environment) {
        RedisConnectionConfig redis = ComponentConfigs.redis(settings, environment);
        MilvusConnectionConfig milvus = ComponentConfigs.milvus(settings, environment);
        EmbeddingModelConfig embedding = ComponentConfigs.embedding(settings);
        int dimension = ComponentConfigs.vectorDimension(settings);

        DataStream<RedisStreamEntry> entries =
                env.fromSource(redisSource(settings, redis), WatermarkStrategy.noWatermarks(), "Redis Streams source")
                        .uid(SOURCE_UID);

        SingleOutputStreamOperator<ChangeEvent> events =
                entries.process(
                                new RedisEntryDecodeFunction(
                                        streamEntityTypes(settings),
                                        new ChangeEventDecoder(settings.get(MAX_PAYLOAD_BYTES))))
                        .uid(DECODE_UID)
                        .name("Decode job payloads");

        DataStream<SyncAction> actions =
                events.keyBy(ChangeEvent::entityKey)
                        .process(
                                new LatestWriteWinsFunction(
                                        new HashSet<>(settings.get(PUBLISHABLE_STATUSES)),
                                        settings.get(TOMBSTONE_TTL)))
                        .uid(LATEST_WRITE_UID)
                        .name("Latest write wins");

        DataStream<SyncAction> embedded =
                AsyncDataStream.unorderedWait(
                                actions,
                                new EmbeddingAsyncFunction(embedding),
                                asyncTimeout(embedding).toMillis(),
                                TimeUnit.MILLISECONDS,
                                settings.get(EMBEDDING_CAPACITY))
                        .uid(EMBEDDING_UID)
                        .name("Embed text (" + embedding.modelId() + ")");

        SingleOutputStreamOperator<SyncAction> succeeded =
                embedded.process(new FailedActionRouter("embedding"))
                        .uid(FAILURE_ROUTER_UID)
                        .name("Route embedding failures");

        succeeded
                .keyBy(SyncAction::entityKey)
                .process(new StaleResultGuard(settings.get(STALE_GUARD_TTL)))
                .uid(STALE_GUARD_UID)
                .name("Drop stale results")
                .sinkTo(
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
                events.getSideOutput(RedisEntryDecodeFunction.DEAD_LETTERS)
                        .union(succeeded.getSideOutput(FailedActionRouter.DEAD_LETTERS));
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

    /**
     * Flink's own timeout for the embedding step: longer than every attempt and backoff together,
     * so that it fires only when the model hangs, and then yields a dead letter, not a failure.
     */
    private static Duration asyncTimeout(EmbeddingModelConfig embedding) {
        return embedding.maxRetryDuration().plus(ASYNC_TIMEOUT_MARGIN);
    }

    private static RedisStreamsSource redisSource(JobSettings settings, RedisConnectionConfig redis) {
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
