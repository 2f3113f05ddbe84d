package dev.vectorsync.deadletter;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import dev.vectorsync.redis.ReconnectBackoff;
import dev.vectorsync.redis.RedisConnectionConfig;
import dev.vectorsync.redis.RedisErrors;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Buffers dead letters and sends them to the stream in one pipeline per flush, retrying with
 * reconnects and exponential backoff until the reconnect deadline, then failing the task.
 *
 * <p>Threading: Flink calls every method on the task thread.
 */
@Internal
final class RedisDeadLetterWriter implements SinkWriter<DeadLetter> {

    private static final Logger LOG = LoggerFactory.getLogger(RedisDeadLetterWriter.class);

    private final RedisConnectionConfig connectionConfig;
    private final String stream;
    private final XAddParams addParams;
    private final int batchSize;
    private final ReconnectBackoff backoff;
    private final Counter recordsSent;
    private final Counter reconnects;
    private final List<DeadLetter> buffer = new ArrayList<>();

    @Nullable private Jedis connection;

    RedisDeadLetterWriter(
            RedisConnectionConfig connectionConfig,
            String stream,
            long maxLength,
            int batchSize,
            Duration reconnectBackoffInitial,
            Duration reconnectBackoffMax,
            Duration reconnectDeadline,
            SinkWriterMetricGroup metricGroup) {
        this.connectionConfig = connectionConfig;
        this.stream = stream;
        this.addParams = XAddParams.xAddParams();
        if (maxLength > 0) {
            addParams.maxLen(maxLength).approximateTrimming();
        }
        this.batchSize = batchSize;
        this.backoff = new ReconnectBackoff(reconnectBackoffInitial, reconnectBackoffMax, reconnectDeadline);
        this.recordsSent = metricGroup.getNumRecordsSendCounter();
        this.reconnects = metricGroup.addGroup("redisDeadLetter").counter("reconnects");
    }

    @Override
    public void write(DeadLetter deadLetter, Context context) throws IOException, InterruptedException {
        buffer.add(deadLetter);
        if (buffer.size() >= batchSize) {
            flush(false);
        }
    }

    /** Sends all buffered dead letters; Flink calls this before each checkpoint and at the end. */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        while (!buffer.isEmpty()) {
            try {
                sendBuffer();
            } catch (JedisException e) {
                waitBeforeRetry(e);
            }
        }
    }

    @Override
    public void close() {
        if (!buffer.isEmpty()) {
            LOG.info(
                    "Closing the dead-letter writer of stream {} with {} unsent dead letters; the"
                            + " last checkpoint does not cover them, so a restart replays them",
                    stream,
                    buffer.size());
        }
        closeConnection();
    }

    private void sendBuffer() {
        Pipeline pipeline = connection().pipelined();
        List<Response<StreamEntryID>> responses = new ArrayList<>(buffer.size());
        for (DeadLetter deadLetter : buffer) {
            responses.add(pipeline.xadd(stream, addParams, toFields(deadLetter)));
        }
        pipeline.sync();
        // Response.get() throws the server's error for a command that failed.
        responses.forEach(Response::get);

        recordsSent.inc(buffer.size());
        LOG.debug("Wrote {} dead letters to Redis stream {}", buffer.size(), stream);
        buffer.clear();
        if (backoff.onSuccess()) {
            LOG.info("Reconnected to Redis at {}; dead letters are written again", connectionConfig.describeAddress());
        }
    }

    private void waitBeforeRetry(JedisException e) throws IOException, InterruptedException {
        if (!RedisErrors.isRetryable(e)) {
            throw new IOException(
                    String.format(
                            "Writing %d dead letters to Redis stream %s at %s failed: %s. Check that"
                                    + " the key is a stream and the user may run XADD.",
                            buffer.size(), stream, connectionConfig.describeAddress(), e.getMessage()),
                    e);
        }
        closeConnection();
        long now = System.currentTimeMillis();
        long delayMillis = backoff.onFailure(now);
        if (delayMillis < 0) {
            throw new IOException(
                    String.format(
                            "Redis at %s is unreachable: %d attempts within %d ms to write %d dead"
                                    + " letters to stream %s failed. Failing the task so that the"
                                    + " Flink restart strategy takes over; raise the reconnect"
                                    + " deadline to wait longer.",
                            connectionConfig.describeAddress(),
                            backoff.attempt(),
                            backoff.outageMillis(now),
                            buffer.size(),
                            stream),
                    e);
        }
        if (backoff.shouldWarn(now)) {
            LOG.warn(
                    "Writing dead letters to Redis at {} failed (attempt {}); retrying in {} ms: {}",
                    connectionConfig.describeAddress(),
                    backoff.attempt(),
                    delayMillis,
                    e.toString());
        }
        Thread.sleep(delayMillis);
        reconnects.inc();
    }

    private Jedis connection() {
        if (connection == null) {
            connection = connectionConfig.openConnection();
        }
        return connection;
    }

    private void closeConnection() {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (JedisException e) {
            LOG.debug("Closing the dead-letter connection to Redis failed", e);
        }
        connection = null;
    }

    private static Map<String, String> toFields(DeadLetter deadLetter) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("source_stream", nullToEmpty(deadLetter.sourceName));
        fields.put("source_id", nullToEmpty(deadLetter.sourcePosition));
        fields.put("payload", nullToEmpty(deadLetter.payload));
        fields.put("reason", nullToEmpty(deadLetter.reason));
        fields.put("stage", nullToEmpty(deadLetter.stage));
        fields.put("failed_at", Instant.ofEpochMilli(deadLetter.failedAt).toString());
        return fields;
    }

    // Redis has no null value, so a missing field is written as an empty string.
    private static String nullToEmpty(@Nullable String value) {
        return value == null ? "" : value;
    }
}
