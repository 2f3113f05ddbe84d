package dev.vectorsync.source.redis;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.source.Boundedness;

import dev.vectorsync.redis.RedisConnectionConfig;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builder of {@link RedisStreamsSource}. The connection, the streams and the group name are
 * required; every other setting has the default of the matching {@link RedisStreamsSourceOptions}
 * option. {@link #build()} validates all settings together.
 */
@PublicEvolving
public final class RedisStreamsSourceBuilder {

    private RedisConnectionConfig connectionConfig;
    private List<String> streams;
    private String groupName;
    private String consumerNamePrefix = RedisStreamsSourceOptions.CONSUMER_NAME_PREFIX.defaultValue();
    private RedisStreamsStartPosition startPosition =
            RedisStreamsSourceOptions.START_POSITION.defaultValue();
    private int fetchBatchSize = RedisStreamsSourceOptions.FETCH_BATCH_SIZE.defaultValue();
    private Duration blockTime = RedisStreamsSourceOptions.BLOCK_TIME.defaultValue();
    private Duration reconnectBackoffInitial =
            RedisStreamsSourceOptions.RECONNECT_BACKOFF_INITIAL.defaultValue();
    private Duration reconnectBackoffMax =
            RedisStreamsSourceOptions.RECONNECT_BACKOFF_MAX.defaultValue();
    private Duration reconnectDeadline = RedisStreamsSourceOptions.RECONNECT_DEADLINE.defaultValue();
    private Boundedness boundedness =
            RedisStreamsSourceOptions.BOUNDED.defaultValue()
                    ? Boundedness.BOUNDED
                    : Boundedness.CONTINUOUS_UNBOUNDED;

    RedisStreamsSourceBuilder() {}

    /** Sets the Redis server to read from. Required. */
    public RedisStreamsSourceBuilder setConnectionConfig(RedisConnectionConfig connectionConfig) {
        this.connectionConfig = connectionConfig;
        return this;
    }

    /** Sets the streams to read; each becomes one split. Required. */
    public RedisStreamsSourceBuilder setStreams(String... streams) {
        return setStreams(Arrays.asList(streams));
    }

    /** Sets the streams to read; each becomes one split. Required. */
    public RedisStreamsSourceBuilder setStreams(List<String> streams) {
        this.streams = streams;
        return this;
    }

    /** Sets the consumer group; see {@link RedisStreamsSourceOptions#GROUP_NAME}. Required. */
    public RedisStreamsSourceBuilder setGroupName(String groupName) {
        this.groupName = groupName;
        return this;
    }

    /** Sets the prefix of the consumer names; the subtask index is appended. */
    public RedisStreamsSourceBuilder setConsumerNamePrefix(String consumerNamePrefix) {
        this.consumerNamePrefix = consumerNamePrefix;
        return this;
    }

    /** Sets where a new group starts when there is no checkpoint; default {@code EARLIEST}. */
    public RedisStreamsSourceBuilder setStartPosition(RedisStreamsStartPosition startPosition) {
        this.startPosition = startPosition;
        return this;
    }

    /** Sets the COUNT of one XREADGROUP call, per stream; default 500. */
    public RedisStreamsSourceBuilder setFetchBatchSize(int fetchBatchSize) {
        this.fetchBatchSize = fetchBatchSize;
        return this;
    }

    /** Sets the BLOCK time of one XREADGROUP call; default 100 ms. */
    public RedisStreamsSourceBuilder setBlockTime(Duration blockTime) {
        this.blockTime = blockTime;
        return this;
    }

    /** Sets the first and the maximum wait between reconnect attempts; default 200 ms and 10 s. */
    public RedisStreamsSourceBuilder setReconnectBackoff(Duration initial, Duration max) {
        this.reconnectBackoffInitial = initial;
        this.reconnectBackoffMax = max;
        return this;
    }

    /** Sets how long a reader keeps reconnecting before it fails the task; default 2 min. */
    public RedisStreamsSourceBuilder setReconnectDeadline(Duration reconnectDeadline) {
        this.reconnectDeadline = reconnectDeadline;
        return this;
    }

    /**
     * Sets whether the source stops at the entries that existed at the first start ({@link
     * Boundedness#BOUNDED}) or keeps reading ({@link Boundedness#CONTINUOUS_UNBOUNDED}, the
     * default).
     */
    public RedisStreamsSourceBuilder setBoundedness(Boundedness boundedness) {
        this.boundedness = boundedness;
        return this;
    }

    /**
     * Validates the settings and builds the source.
     *
     * @throws IllegalArgumentException if a setting is missing or invalid; the message names the
     *     setting and how to fix it
     */
    public RedisStreamsSource build() {
        validateRequired();
        validateTimes();
        return new RedisStreamsSource(
                new RedisStreamsSourceConfig(
                        connectionConfig,
                        streams,
                        groupName,
                        consumerNamePrefix,
                        startPosition,
                        fetchBatchSize,
                        blockTime,
                        reconnectBackoffInitial,
                        reconnectBackoffMax,
                        reconnectDeadline,
                        boundedness));
    }

    private void validateRequired() {
        require(connectionConfig != null, "Redis connection is missing: call setConnectionConfig(...).");
        require(
                streams != null && !streams.isEmpty(),
                "No Redis streams set: call setStreams(...) with at least one stream name.");
        Set<String> seen = new HashSet<>();
        for (String stream : streams) {
            require(
                    stream != null && !stream.isBlank(),
                    "Redis stream names must not be blank, got " + streams + ": fix setStreams(...).");
            require(
                    seen.add(stream),
                    "Redis stream '" + stream + "' is listed twice in setStreams(...): list each stream once.");
        }
        require(
                groupName != null && !groupName.isBlank(),
                "Consumer group name is missing: call setGroupName(...) with a name unique to this job.");
        require(
                consumerNamePrefix != null && !consumerNamePrefix.isBlank(),
                "Consumer name prefix is blank: call setConsumerNamePrefix(...) with a non-blank prefix.");
        require(startPosition != null, "Start position is missing: call setStartPosition(EARLIEST or LATEST).");
        require(boundedness != null, "Boundedness is missing: call setBoundedness(...).");
        require(
                fetchBatchSize > 0,
                "Fetch batch size " + fetchBatchSize + " is invalid: call setFetchBatchSize(...) with a value of 1 or more.");
    }

    private void validateTimes() {
        requirePositive(blockTime, "Block time", "setBlockTime");
        requirePositive(reconnectBackoffInitial, "Initial reconnect backoff", "setReconnectBackoff");
        requirePositive(reconnectBackoffMax, "Maximum reconnect backoff", "setReconnectBackoff");
        requirePositive(reconnectDeadline, "Reconnect deadline", "setReconnectDeadline");
        require(
                reconnectBackoffInitial.compareTo(reconnectBackoffMax) <= 0,
                "Initial reconnect backoff "
                        + reconnectBackoffInitial
                        + " exceeds the maximum "
                        + reconnectBackoffMax
                        + ": call setReconnectBackoff(initial, max) with initial <= max.");
        Duration socketTimeout = connectionConfig.getSocketTimeout();
        require(
                blockTime.compareTo(socketTimeout) < 0,
                "Block time "
                        + blockTime
                        + " must be shorter than the Redis socket timeout "
                        + socketTimeout
                        + ", or every XREADGROUP on a quiet stream times out: lower setBlockTime(...)"
                        + " or raise RedisConnectionConfig.Builder#setSocketTimeout(...).");
    }

    private static void requirePositive(Duration value, String name, String setter) {
        require(
                value != null && !value.isNegative() && !value.isZero(),
                name + " " + value + " is invalid: call " + setter + "(...) with a positive duration.");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
