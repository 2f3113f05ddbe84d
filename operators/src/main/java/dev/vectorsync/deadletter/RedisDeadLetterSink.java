package dev.vectorsync.deadletter;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import dev.vectorsync.redis.RedisConnectionConfig;

import java.time.Duration;

/**
 * Writes {@link DeadLetter}s to a Redis stream (default {@code sync-dead-letter}) with XADD, one
 * entry per dead letter with the fields {@code source_stream}, {@code source_id}, {@code payload},
 * {@code reason}, {@code stage} and {@code failed_at} (ISO-8601, UTC).
 *
 * <p>Delivery is at least once. The writer buffers dead letters and sends them in one pipeline
 * when the buffer is full and before every checkpoint, so a completed checkpoint means they are in
 * Redis. After a failure, records replayed from the last checkpoint are written again, and a retry
 * after a pipeline that failed part-way writes its earlier entries again: the stream can then hold
 * the same dead letter twice, with different entry ids. Consumers should treat {@code source_stream}
 * plus {@code source_id} plus {@code stage} as the key.
 *
 * <p>With {@link Builder#setMaxLength(long)} each XADD trims the stream approximately ({@code
 * MAXLEN ~}) to about that many entries, so the oldest dead letters are dropped.
 */
@PublicEvolving
public final class RedisDeadLetterSink implements Sink<DeadLetter> {

    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_STREAM = "sync-dead-letter";

    private final RedisConnectionConfig connectionConfig;
    private final String stream;
    private final long maxLength;
    private final int batchSize;
    private final Duration reconnectBackoffInitial;
    private final Duration reconnectBackoffMax;
    private final Duration reconnectDeadline;

    private RedisDeadLetterSink(Builder builder) {
        this.connectionConfig = builder.connectionConfig;
        this.stream = builder.stream;
        this.maxLength = builder.maxLength;
        this.batchSize = builder.batchSize;
        this.reconnectBackoffInitial = builder.reconnectBackoffInitial;
        this.reconnectBackoffMax = builder.reconnectBackoffMax;
        this.reconnectDeadline = builder.reconnectDeadline;
    }

    /** Returns a builder; only the connection is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public SinkWriter<DeadLetter> createWriter(WriterInitContext context) {
        return createWriter(context.metricGroup());
    }

    /**
     * Creates a writer for callers of the interface method that Flink 1.20 deprecated; Flink 1.20
     * itself calls {@link #createWriter(WriterInitContext)}.
     */
    @Override
    @Deprecated
    public SinkWriter<DeadLetter> createWriter(InitContext context) {
        return createWriter(context.metricGroup());
    }

    private SinkWriter<DeadLetter> createWriter(SinkWriterMetricGroup metricGroup) {
        return new RedisDeadLetterWriter(
                connectionConfig,
                stream,
                maxLength,
                batchSize,
                reconnectBackoffInitial,
                reconnectBackoffMax,
                reconnectDeadline,
                metricGroup);
    }

    /** Builder of {@link RedisDeadLetterSink}. */
    @PublicEvolving
    public static final class Builder {

        private RedisConnectionConfig connectionConfig;
        private String stream = DEFAULT_STREAM;
        private long maxLength = 0;
        private int batchSize = 100;
        private Duration reconnectBackoffInitial = Duration.ofMillis(200);
        private Duration reconnectBackoffMax = Duration.ofSeconds(10);
        private Duration reconnectDeadline = Duration.ofMinutes(2);

        private Builder() {}

        /** Sets the Redis server. Required. */
        public Builder setConnectionConfig(RedisConnectionConfig connectionConfig) {
            this.connectionConfig = connectionConfig;
            return this;
        }

        /** Sets the stream to write to; default {@code sync-dead-letter}. */
        public Builder setStream(String stream) {
            this.stream = stream;
            return this;
        }

        /** Trims the stream to about this many entries on each write; 0 (default) never trims. */
        public Builder setMaxLength(long maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /** Sets how many dead letters are buffered before a pipeline is sent; default 100. */
        public Builder setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Sets the first and maximum wait between reconnect attempts; default 200 ms and 10 s. */
        public Builder setReconnectBackoff(Duration initial, Duration max) {
            this.reconnectBackoffInitial = initial;
            this.reconnectBackoffMax = max;
            return this;
        }

        /** Sets how long a write keeps retrying before it fails the task; default 2 min. */
        public Builder setReconnectDeadline(Duration reconnectDeadline) {
            this.reconnectDeadline = reconnectDeadline;
            return this;
        }

        /**
         * Validates the settings and builds the sink.
         *
         * @throws IllegalArgumentException if a setting is missing or invalid
         */
        public RedisDeadLetterSink build() {
            require(connectionConfig != null, "Redis connection is missing: call setConnectionConfig(...).");
            require(
                    stream != null && !stream.isBlank(),
                    "Dead-letter stream name is blank: call setStream(...) or keep the default "
                            + DEFAULT_STREAM + ".");
            require(
                    maxLength >= 0,
                    "Maximum length " + maxLength + " is invalid: call setMaxLength(...) with 0 (no trimming) or more.");
            require(
                    batchSize > 0,
                    "Batch size " + batchSize + " is invalid: call setBatchSize(...) with a value of 1 or more.");
            require(
                    isPositive(reconnectBackoffInitial)
                            && isPositive(reconnectBackoffMax)
                            && reconnectBackoffInitial.compareTo(reconnectBackoffMax) <= 0,
                    "Reconnect backoff " + reconnectBackoffInitial + ".." + reconnectBackoffMax
                            + " is invalid: call setReconnectBackoff(initial, max) with 0 < initial <= max.");
            require(
                    isPositive(reconnectDeadline),
                    "Reconnect deadline " + reconnectDeadline
                            + " is invalid: call setReconnectDeadline(...) with a positive duration.");
            return new RedisDeadLetterSink(this);
        }

        private static boolean isPositive(Duration value) {
            return value != null && !value.isNegative() && !value.isZero();
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
