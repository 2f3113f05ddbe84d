package dev.vectorsync.source.redis;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.Boundedness;

import dev.vectorsync.redis.RedisConnectionConfig;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * Validated, immutable settings of one {@link RedisStreamsSource}, shared by its enumerator and
 * readers. Built only by {@link RedisStreamsSourceBuilder#build()}.
 */
@Internal
public final class RedisStreamsSourceConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    private final RedisConnectionConfig connection;
    private final List<String> streams;
    private final String groupName;
    private final String consumerNamePrefix;
    private final RedisStreamsStartPosition startPosition;
    private final int fetchBatchSize;
    private final Duration blockTime;
    private final Duration reconnectBackoffInitial;
    private final Duration reconnectBackoffMax;
    private final Duration reconnectDeadline;
    private final Boundedness boundedness;

    RedisStreamsSourceConfig(
            RedisConnectionConfig connection,
            List<String> streams,
            String groupName,
            String consumerNamePrefix,
            RedisStreamsStartPosition startPosition,
            int fetchBatchSize,
            Duration blockTime,
            Duration reconnectBackoffInitial,
            Duration reconnectBackoffMax,
            Duration reconnectDeadline,
            Boundedness boundedness) {
        this.connection = connection;
        this.streams = List.copyOf(streams);
        this.groupName = groupName;
        this.consumerNamePrefix = consumerNamePrefix;
        this.startPosition = startPosition;
        this.fetchBatchSize = fetchBatchSize;
        this.blockTime = blockTime;
        this.reconnectBackoffInitial = reconnectBackoffInitial;
        this.reconnectBackoffMax = reconnectBackoffMax;
        this.reconnectDeadline = reconnectDeadline;
        this.boundedness = boundedness;
    }

    public RedisConnectionConfig getConnection() {
        return connection;
    }

    public List<String> getStreams() {
        return streams;
    }

    public String getGroupName() {
        return groupName;
    }

    /** Returns the consumer name of one subtask: the prefix followed by the subtask index. */
    public String consumerName(int subtaskIndex) {
        return consumerNamePrefix + subtaskIndex;
    }

    public RedisStreamsStartPosition getStartPosition() {
        return startPosition;
    }

    public int getFetchBatchSize() {
        return fetchBatchSize;
    }

    public Duration getBlockTime() {
        return blockTime;
    }

    public Duration getReconnectBackoffInitial() {
        return reconnectBackoffInitial;
    }

    public Duration getReconnectBackoffMax() {
        return reconnectBackoffMax;
    }

    public Duration getReconnectDeadline() {
        return reconnectDeadline;
    }

    public Boundedness getBoundedness() {
        return boundedness;
    }

    public boolean isBounded() {
        return boundedness == Boundedness.BOUNDED;
    }

    @Override
    public String toString() {
        return "RedisStreamsSourceConfig{connection="
                + connection
                + ", streams="
                + streams
                + ", groupName="
                + groupName
                + ", consumerNamePrefix="
                + consumerNamePrefix
                + ", startPosition="
                + startPosition
                + ", fetchBatchSize="
                + fetchBatchSize
                + ", blockTime="
                + blockTime
                + ", reconnectBackoff="
                + reconnectBackoffInitial
                + ".."
                + reconnectBackoffMax
                + ", reconnectDeadline="
                + reconnectDeadline
                + ", boundedness="
                + boundedness
                + "}";
    }
}
