package dev.vectorsync.job.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Every setting of the vector-sync job. Keys are dotted and scoped by component; the reference
 * file {@code job/config/vector-sync.yaml} lists them with their defaults.
 *
 * <p>Secrets are never options: the Redis password, the Milvus token and the source database
 * password are read from the environment variables that {@link #REDIS_PASSWORD_ENV}, {@link
 * #MILVUS_TOKEN_ENV} and {@link #CDC_PASSWORD_ENV} name.
 */
public final class VectorSyncOptions {

    // ----- source -----------------------------------------------------------------------------

    public static final ConfigOption<String> SOURCE_TYPE =
            ConfigOptions.key("source.type")
                    .stringType()
                    .defaultValue("redis")
                    .withDescription(
                            "Where change events come from: redis (the post-sync and user-sync"
                                    + " streams), sqlserver-cdc (SQL Server CDC change tables) or"
                                    + " postgres-cdc (Postgres logical decoding with pgoutput).");

    public static final ConfigOption<String> REDIS_HOST =
            ConfigOptions.key("redis.host")
                    .stringType()
                    .defaultValue("127.0.0.1")
                    .withDescription("Host name or address of the Redis server.");

    public static final ConfigOption<Integer> REDIS_PORT =
            ConfigOptions.key("redis.port")
                    .intType()
                    .defaultValue(6379)
                    .withDescription("TCP port of the Redis server.");

    public static final ConfigOption<Integer> REDIS_DATABASE =
            ConfigOptions.key("redis.database")
                    .intType()
                    .defaultValue(0)
                    .withDescription("Redis logical database number.");

    public static final ConfigOption<String> REDIS_USERNAME =
            ConfigOptions.key("redis.username")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Redis ACL user name; unset for the default user.");

    public static final ConfigOption<String> REDIS_PASSWORD_ENV =
            ConfigOptions.key("redis.password-env")
                    .stringType()
                    .defaultValue("REDIS_PASSWORD")
                    .withDescription(
                            "Name of the environment variable holding the Redis password; an unset"
                                    + " or empty variable means no password.");

    public static final ConfigOption<Boolean> REDIS_SSL =
            ConfigOptions.key("redis.ssl")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription("Connect to Redis over TLS.");

    public static final ConfigOption<Duration> REDIS_TIMEOUT =
            ConfigOptions.key("redis.timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription("Connect and socket timeout for Redis commands.");

    public static final ConfigOption<String> POST_STREAM =
            ConfigOptions.key("source.redis.post-stream")
                    .stringType()
                    .defaultValue("post-sync")
                    .withDescription("Redis stream with post change events.");

    public static final ConfigOption<String> USER_STREAM =
            ConfigOptions.key("source.redis.user-stream")
                    .stringType()
                    .defaultValue("user-sync")
                    .withDescription("Redis stream with user change events.");

    public static final ConfigOption<String> CONSUMER_GROUP =
            ConfigOptions.key("source.redis.consumer-group")
                    .stringType()
                    .defaultValue("vector-sync")
                    .withDescription(
                            "Consumer group that reads the streams; entries are acknowledged in it"
                                    + " once a checkpoint covering them completes.");

    public static final ConfigOption<String> CONSUMER_PREFIX =
            ConfigOptions.key("source.redis.consumer-prefix")
                    .stringType()
                    .defaultValue("vector-sync-")
                    .withDescription("Consumer name prefix; the subtask index is appended.");

    public static final ConfigOption<StartPosition> START_POSITION =
            ConfigOptions.key("source.redis.start-position")
                    .enumType(StartPosition.class)
                    .defaultValue(StartPosition.EARLIEST)
                    .withDescription(
                            "Where to start when neither a checkpoint nor the consumer group has a"
                                    + " position: EARLIEST (whole stream) or LATEST (new entries only).");

    public static final ConfigOption<Integer> FETCH_SIZE =
            ConfigOptions.key("source.redis.fetch-size")
                    .intType()
                    .defaultValue(500)
                    .withDescription("Maximum entries read per XREADGROUP call (COUNT).");

    public static final ConfigOption<Duration> BLOCK_TIME =
            ConfigOptions.key("source.redis.block-time")
                    .durationType()
                    .defaultValue(Duration.ofMillis(100))
                    .withDescription(
                            "How long one XREADGROUP call waits for new entries (BLOCK). Entries are"
                                    + " returned as soon as they arrive, so this adds no latency.");

    public static final ConfigOption<Duration> RECONNECT_TIMEOUT =
            ConfigOptions.key("source.redis.reconnect-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "How long the source keeps reconnecting to an unreachable Redis before"
                                    + " it fails the job, which then restarts from its checkpoint.");

    public static final ConfigOption<Boolean> BOUNDED =
            ConfigOptions.key("source.redis.bounded")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Stop after the last entry that existed when the job started, instead"
                                    + " of running until cancelled.");

    // ----- database sources (CDC and backfill) ------------------------------------------------

    public static final ConfigOption<String> CDC_HOSTNAME =
            ConfigOptions.key("source.cdc.hostname")
                    .stringType()
                    .defaultValue("127.0.0.1")
                    .withDescription("Host name or address of the source database (SQL Server or Postgres).");

    public static final ConfigOption<Integer> CDC_PORT =
            ConfigOptions.key("source.cdc.port")
                    .intType()
                    .noDefaultValue()
                    .withDescription("TCP port of the source database; unset means 1433 for SQL Server, 5432 for Postgres.");

    public static final ConfigOption<String> CDC_DATABASE =
            ConfigOptions.key("source.cdc.database")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Database that holds the posts and users tables; required for the CDC sources.");

    public static final ConfigOption<String> CDC_USERNAME =
            ConfigOptions.key("source.cdc.username")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Database user of the job; required for the CDC sources and the backfill.");

    public static final ConfigOption<String> CDC_PASSWORD_ENV =
            ConfigOptions.key("source.cdc.password-env")
                    .stringType()
                    .defaultValue("SOURCE_DB_PASSWORD")
                    .withDescription("Name of the environment variable holding the database password.");

    public static final ConfigOption<String> CDC_POSTS_TABLE =
            ConfigOptions.key("source.cdc.posts-table")
                    .stringType()
                    .defaultValue("dbo.posts")
                    .withDescription("Posts table as schema.table.");

    public static final ConfigOption<String> CDC_USERS_TABLE =
            ConfigOptions.key("source.cdc.users-table")
                    .stringType()
                    .defaultValue("dbo.users")
                    .withDescription("Users table as schema.table.");

    public static final ConfigOption<String> CDC_POSTS_ID_COLUMN =
            ConfigOptions.key("source.cdc.posts-id-column")
                    .stringType()
                    .defaultValue("id")
                    .withDescription("Key column of the posts table (bigint or int); also the split key of the snapshot and the backfill.");

    public static final ConfigOption<String> CDC_USERS_ID_COLUMN =
            ConfigOptions.key("source.cdc.users-id-column")
                    .stringType()
                    .defaultValue("id")
                    .withDescription("Key column of the users table (bigint or int).");

    public static final ConfigOption<Map<String, String>> CDC_POSTS_COLUMNS =
            ConfigOptions.key("source.cdc.posts-columns")
                    .mapType()
                    .defaultValue(Map.of())
                    .withDescription(
                            "Column of each post field where it differs from the default, as"
                                    + " field:column pairs separated by commas, for example"
                                    + " 'price:price_vnd,userId:owner_id'. Defaults: title, description,"
                                    + " address, ward, district, city, status, category, price, area,"
                                    + " userId:user_id, createdAt:created_at, updatedAt:updated_at.");

    public static final ConfigOption<Map<String, String>> CDC_USERS_COLUMNS =
            ConfigOptions.key("source.cdc.users-columns")
                    .mapType()
                    .defaultValue(Map.of())
                    .withDescription(
                            "Column of each user field where it differs from the default, as"
                                    + " field:column pairs. Defaults: bio, preferredCategory:preferred_category,"
                                    + " preferredCity:preferred_city, preferredDistrict:preferred_district,"
                                    + " preferredWard:preferred_ward, budgetMin:budget_min,"
                                    + " budgetMax:budget_max, areaMin:area_min, createdAt:created_at,"
                                    + " updatedAt:updated_at.");

    public static final ConfigOption<CdcStartupMode> CDC_STARTUP_MODE =
            ConfigOptions.key("source.cdc.startup-mode")
                    .enumType(CdcStartupMode.class)
                    .defaultValue(CdcStartupMode.INITIAL)
                    .withDescription(
                            "Where a CDC source starts when no checkpoint exists: INITIAL (snapshot of"
                                    + " both tables, then the change log), LATEST (changes from now"
                                    + " on), LSN (changes after source.cdc.startup-lsn, no snapshot:"
                                    + " the handover after a backfill) or COMMITTED_OFFSET (Postgres"
                                    + " only: from the replication slot's confirmed position). A"
                                    + " restored job always resumes at the position in its checkpoint.");

    public static final ConfigOption<String> CDC_STARTUP_LSN =
            ConfigOptions.key("source.cdc.startup-lsn")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "With source.cdc.startup-mode LSN: the log sequence number to start from,"
                                    + " as the database prints it. SQL Server: 0000002a:00000f10:0003 or"
                                    + " 0x0000002A00000F100003 (sys.fn_cdc_get_max_lsn()); changes"
                                    + " committed after it are read. Postgres: 0/16B3748"
                                    + " (pg_current_wal_lsn()); changes committed at or after it are read.");

    public static final ConfigOption<Integer> CDC_SPLIT_SIZE =
            ConfigOptions.key("source.cdc.split-size")
                    .intType()
                    .defaultValue(8096)
                    .withDescription("Rows per snapshot split; splits are read in parallel without table locks.");

    public static final ConfigOption<String> CDC_SERVER_TIME_ZONE =
            ConfigOptions.key("source.cdc.server-time-zone")
                    .stringType()
                    .defaultValue("UTC")
                    .withDescription(
                            "Time zone of columns without one (datetime2, datetime, Postgres timestamp),"
                                    + " for example Asia/Ho_Chi_Minh when they hold Vietnamese local"
                                    + " time. Columns with a zone (datetimeoffset, timestamptz) ignore it.");

    public static final ConfigOption<String> CDC_SLOT_NAME =
            ConfigOptions.key("source.cdc.slot-name")
                    .stringType()
                    .defaultValue("vector_sync")
                    .withDescription("Postgres only: logical replication slot of the job (pgoutput); one per job.");

    public static final ConfigOption<String> CDC_PUBLICATION_NAME =
            ConfigOptions.key("source.cdc.publication-name")
                    .stringType()
                    .defaultValue("vector_sync")
                    .withDescription("Postgres only: publication that covers the posts and users tables; the job never creates it.");

    public static final ConfigOption<String> BACKFILL_JDBC_URL =
            ConfigOptions.key("backfill.jdbc-url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "JDBC URL the backfill reads from; unset derives it from source.type and"
                                    + " source.cdc.hostname, port and database.");

    public static final ConfigOption<Long> BACKFILL_SPLIT_ROWS =
            ConfigOptions.key("backfill.split-rows")
                    .longType()
                    .defaultValue(10_000L)
                    .withDescription("Keys per backfill split; splits are read in parallel.");

    public static final ConfigOption<String> BACKFILL_VERSION_COLUMN =
            ConfigOptions.key("backfill.version-column")
                    .stringType()
                    .defaultValue("updated_at")
                    .withDescription(
                            "Column whose value becomes the version of a backfilled row (a time as"
                                    + " epoch ms, a number, or a SQL Server rowversion); empty for none.");

    public static final ConfigOption<Duration> BACKFILL_PROGRESS_INTERVAL =
            ConfigOptions.key("backfill.progress-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("How often each backfill subtask logs its counts.");

    // ----- decoding and ordering --------------------------------------------------------------

    public static final ConfigOption<Integer> MAX_PAYLOAD_BYTES =
            ConfigOptions.key("decode.max-payload-bytes")
                    .intType()
                    .defaultValue(1024 * 1024)
                    .withDescription("Largest accepted job payload in UTF-8 bytes; larger ones are dead-lettered.");

    public static final ConfigOption<List<String>> PUBLISHABLE_STATUSES =
            ConfigOptions.key("ordering.publishable-statuses")
                    .stringType()
                    .asList()
                    .defaultValues("approved", "active")
                    .withDescription(
                            "Post statuses that are indexed (case-insensitive); a post in any other"
                                    + " status is deleted from Milvus.");

    public static final ConfigOption<Duration> TOMBSTONE_TTL =
            ConfigOptions.key("ordering.tombstone-ttl")
                    .durationType()
                    .defaultValue(Duration.ofDays(7))
                    .withDescription(
                            "How long a delete keeps older writes to the same row out; must exceed"
                                    + " the longest delay of a late event.");

    public static final ConfigOption<Duration> STALE_GUARD_TTL =
            ConfigOptions.key("ordering.stale-guard-ttl")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "How long the guard after the embedding step remembers the last version"
                                    + " per row; must exceed embedding.timeout times"
                                    + " embedding.max-attempts, the longest an action can stay in"
                                    + " that step.");

    // ----- dead letters -----------------------------------------------------------------------

    public static final ConfigOption<String> DEAD_LETTER_STREAM =
            ConfigOptions.key("dead-letter.stream")
                    .stringType()
                    .defaultValue("sync-dead-letter")
                    .withDescription("Redis stream that receives entries that could not be synced.");

    public static final ConfigOption<Long> DEAD_LETTER_MAX_LENGTH =
            ConfigOptions.key("dead-letter.max-length")
                    .longType()
                    .defaultValue(100_000L)
                    .withDescription(
                            "Approximate cap on the dead-letter stream (XADD MAXLEN ~); 0 keeps every entry.");

    // ----- embedding --------------------------------------------------------------------------

    public static final ConfigOption<String> MODEL_ID =
            ConfigOptions.key("embedding.model-id")
                    .stringType()
                    .defaultValue("bge-small-en-v1.5")
                    .withDescription("Id stored with every vector, for example bge-m3.");

    public static final ConfigOption<String> MODEL_DIR =
            ConfigOptions.key("embedding.model-dir")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Directory with model.onnx (external data files allowed) and"
                                    + " tokenizer.json; unset uses the bge-small-en-v1.5 model bundled"
                                    + " in the job jar.");

    public static final ConfigOption<Integer> MAX_SEQUENCE_LENGTH =
            ConfigOptions.key("embedding.max-length")
                    .intType()
                    .defaultValue(512)
                    .withDescription("Tokens per text before truncation (BGE-M3 accepts up to 8192).");

    public static final ConfigOption<Integer> DIMENSION =
            ConfigOptions.key("embedding.dimension")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Keep only the first N vector components, normalised again; unset keeps"
                                    + " the model's native width.");

    public static final ConfigOption<String> DEVICE =
            ConfigOptions.key("embedding.device")
                    .stringType()
                    .defaultValue("cpu")
                    .withDescription(
                            "cpu or cuda. With cuda and no usable CUDA provider the job logs a"
                                    + " warning and runs on the CPU.");

    public static final ConfigOption<Integer> DEVICE_ID =
            ConfigOptions.key("embedding.device-id")
                    .intType()
                    .defaultValue(0)
                    .withDescription("CUDA device index when embedding.device is cuda.");

    public static final ConfigOption<Integer> INTRA_OP_THREADS =
            ConfigOptions.key("embedding.intra-op-threads")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "ONNX Runtime threads per inference; 0 lets ONNX Runtime use every core.");

    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("embedding.batch-size")
                    .intType()
                    .defaultValue(32)
                    .withDescription("Maximum texts per model call.");

    public static final ConfigOption<Duration> BATCH_WAIT =
            ConfigOptions.key("embedding.batch-wait")
                    .durationType()
                    .defaultValue(Duration.ofMillis(5))
                    .withDescription(
                            "How long the first text of a batch waits for others before the model runs.");

    public static final ConfigOption<Duration> EMBEDDING_TIMEOUT =
            ConfigOptions.key("embedding.timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "Time one attempt to embed a text may take, waiting in the batch queue"
                                    + " included; then it is retried, and dead-lettered after"
                                    + " embedding.max-attempts. Keep it well above embedding.capacity"
                                    + " times the subtasks per TaskManager divided by the model's"
                                    + " texts per second, or a busy model looks like a failing one.");

    public static final ConfigOption<Integer> EMBEDDING_MAX_ATTEMPTS =
            ConfigOptions.key("embedding.max-attempts")
                    .intType()
                    .defaultValue(3)
                    .withDescription("Model calls per text before it is dead-lettered.");

    public static final ConfigOption<Integer> EMBEDDING_CAPACITY =
            ConfigOptions.key("embedding.capacity")
                    .intType()
                    .defaultValue(64)
                    .withDescription(
                            "Actions in flight per subtask of the asynchronous embedding step; about"
                                    + " twice embedding.batch-size keeps batches full without long"
                                    + " queues.");

    public static final ConfigOption<Boolean> REUSE_STORED_VECTORS =
            ConfigOptions.key("embedding.reuse-stored-vectors")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Before embedding a text that a row already had, read the vector stored"
                                    + " with the same text hash and model from Milvus, and call the"
                                    + " model only when there is none.");

    public static final ConfigOption<Integer> RECENT_VECTORS =
            ConfigOptions.key("embedding.recent-vectors")
                    .intType()
                    .defaultValue(10_000)
                    .withDescription(
                            "Rows per subtask of the embedding step whose last vector is kept in"
                                    + " memory, so that a write with unchanged text needs neither"
                                    + " the model nor a Milvus read; 0 keeps none. Costs about 4"
                                    + " bytes per dimension per row.");

    // ----- Milvus -----------------------------------------------------------------------------

    public static final ConfigOption<String> MILVUS_URI =
            ConfigOptions.key("milvus.uri")
                    .stringType()
                    .defaultValue("http://127.0.0.1:19530")
                    .withDescription("Milvus endpoint, for example http://milvus:19530.");

    public static final ConfigOption<String> MILVUS_TOKEN_ENV =
            ConfigOptions.key("milvus.token-env")
                    .stringType()
                    .defaultValue("MILVUS_TOKEN")
                    .withDescription(
                            "Name of the environment variable holding the Milvus token (user:password"
                                    + " or an API key); unset or empty means no authentication.");

    public static final ConfigOption<String> MILVUS_DATABASE =
            ConfigOptions.key("milvus.database")
                    .stringType()
                    .defaultValue("default")
                    .withDescription("Milvus database that holds the collections.");

    public static final ConfigOption<String> POSTS_COLLECTION =
            ConfigOptions.key("milvus.posts-collection")
                    .stringType()
                    .defaultValue("posts_hybrid")
                    .withDescription("Collection for posts; created at start when missing.");

    public static final ConfigOption<String> USERS_COLLECTION =
            ConfigOptions.key("milvus.users-collection")
                    .stringType()
                    .defaultValue("users")
                    .withDescription("Collection for users; created at start when missing.");

    public static final ConfigOption<Integer> SINK_MAX_BUFFERED =
            ConfigOptions.key("sink.max-buffered-actions")
                    .intType()
                    .defaultValue(500)
                    .withDescription("Buffered actions per sink subtask that trigger a flush.");

    public static final ConfigOption<Duration> SINK_MAX_DELAY =
            ConfigOptions.key("sink.max-buffer-delay")
                    .durationType()
                    .defaultValue(Duration.ofMillis(20))
                    .withDescription(
                            "Longest time an action waits in the sink buffer; bounds how soon an edit"
                                    + " is searchable. The embedding step hands over a whole batch"
                                    + " at once, so a few milliseconds already collect it into one"
                                    + " Milvus request.");

    public static final ConfigOption<Integer> SINK_MAX_RETRIES =
            ConfigOptions.key("sink.max-retries")
                    .intType()
                    .defaultValue(5)
                    .withDescription(
                            "Retries of a failed Milvus write before the job fails over to its last"
                                    + " checkpoint.");

    public static final ConfigOption<Duration> SINK_RETRY_BACKOFF =
            ConfigOptions.key("sink.retry-backoff")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDescription("First wait between Milvus retries; doubles each retry up to 10 s.");

    private VectorSyncOptions() {}

    /** Start position of a CDC source that has no checkpoint. */
    public enum CdcStartupMode {
        INITIAL,
        LATEST,
        LSN,
        COMMITTED_OFFSET
    }

    /** Start position of the Redis source when no position is known. */
    public enum StartPosition {
        EARLIEST,
        LATEST
    }

    /** Returns every option declared in this class. */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Field field : VectorSyncOptions.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    && ConfigOption.class.isAssignableFrom(field.getType())) {
                try {
                    options.add((ConfigOption<?>) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("option field " + field.getName() + " is not public", e);
                }
            }
        }
        return Collections.unmodifiableList(options);
    }
}
