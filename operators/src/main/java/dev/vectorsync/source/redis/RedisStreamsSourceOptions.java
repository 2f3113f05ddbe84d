package dev.vectorsync.source.redis;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.List;

/**
 * Settings of {@link RedisStreamsSource}. The builder takes its defaults from here, and a job can
 * read the same keys from its configuration and pass them to the builder.
 */
@PublicEvolving
public final class RedisStreamsSourceOptions {

    public static final ConfigOption<List<String>> STREAMS =
            ConfigOptions.key("redis-streams.streams")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription(
                            "Names of the streams to read, for example post-sync;user-sync."
                                    + " Each stream is one split.");

    public static final ConfigOption<String> GROUP_NAME =
            ConfigOptions.key("redis-streams.group")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Consumer group used to read every stream. Give each job its own"
                                    + " group; two jobs sharing a group split the entries"
                                    + " between them.");

    public static final ConfigOption<String> CONSUMER_NAME_PREFIX =
            ConfigOptions.key("redis-streams.consumer-name-prefix")
                    .stringType()
                    .defaultValue("vector-sync-")
                    .withDescription(
                            "Prefix of the consumer name; the subtask index is appended to it.");

    public static final ConfigOption<RedisStreamsStartPosition> START_POSITION =
            ConfigOptions.key("redis-streams.start-position")
                    .enumType(RedisStreamsStartPosition.class)
                    .defaultValue(RedisStreamsStartPosition.EARLIEST)
                    .withDescription(
                            "Where a new consumer group starts when there is neither checkpoint"
                                    + " state nor an existing group: EARLIEST reads the whole"
                                    + " stream, LATEST only entries added afterwards.");

    public static final ConfigOption<Integer> FETCH_BATCH_SIZE =
            ConfigOptions.key("redis-streams.fetch.batch-size")
                    .intType()
                    .defaultValue(500)
                    .withDescription(
                            "Maximum number of entries per stream returned by one XREADGROUP"
                                    + " call (its COUNT argument).");

    public static final ConfigOption<Duration> BLOCK_TIME =
            ConfigOptions.key("redis-streams.fetch.block-time")
                    .durationType()
                    .defaultValue(Duration.ofMillis(100))
                    .withDescription(
                            "How long one XREADGROUP call waits for new entries (its BLOCK"
                                    + " argument). Entries are returned as soon as they arrive;"
                                    + " the wait bounds how long wake-up and close take. Must"
                                    + " be shorter than the connection's socket timeout.");

    public static final ConfigOption<Duration> RECONNECT_BACKOFF_INITIAL =
            ConfigOptions.key("redis-streams.reconnect.backoff.initial")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDescription(
                            "Wait before the first reconnect attempt after the connection to"
                                    + " Redis failed; doubled after each failed attempt.");

    public static final ConfigOption<Duration> RECONNECT_BACKOFF_MAX =
            ConfigOptions.key("redis-streams.reconnect.backoff.max")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("Upper bound of the wait between two reconnect attempts.");

    public static final ConfigOption<Duration> RECONNECT_DEADLINE =
            ConfigOptions.key("redis-streams.reconnect.deadline")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(2))
                    .withDescription(
                            "How long the reader keeps reconnecting after the first failure"
                                    + " before it fails the task, so that the Flink restart"
                                    + " strategy takes over.");

    public static final ConfigOption<Boolean> BOUNDED =
            ConfigOptions.key("redis-streams.bounded")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "If true, the source reads each stream up to the last entry that"
                                    + " existed when the job started and then finishes.");

    private RedisStreamsSourceOptions() {}
}
