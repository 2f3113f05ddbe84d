package dev.vectorsync.deadletter;

import org.apache.flink.annotation.PublicEvolving;

import dev.vectorsync.source.redis.RedisStreamEntry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.Serializable;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An input that a pipeline stage could not process, kept with its origin so that it can be
 * inspected and replayed.
 *
 * <p>Flink POJO: public fields and a no-argument constructor.
 */
@PublicEvolving
public class DeadLetter implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Field of a Redis stream entry that carries the change event as JSON. */
    public static final String JOB_FIELD = "job";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Origin of the input: the Redis stream name. */
    public String sourceName;
    /** Position of the input in that source: the Redis entry id. */
    public String sourcePosition;
    /** The input as received: the {@code job} field, or all fields as a JSON object. */
    public String payload;
    /** Cause of the failure, written for an operator to read. */
    public String reason;
    /** Pipeline stage that failed, such as {@code decode} or {@code embedding}. */
    public String stage;
    /** When processing failed, in epoch milliseconds. */
    public long failedAt;

    public DeadLetter() {}

    public DeadLetter(
            String sourceName,
            String sourcePosition,
            String payload,
            String reason,
            String stage,
            long failedAt) {
        this.sourceName = sourceName;
        this.sourcePosition = sourcePosition;
        this.payload = payload;
        this.reason = reason;
        this.stage = stage;
        this.failedAt = failedAt;
    }

    /**
     * Creates a dead letter for a stream entry. The payload is the entry's {@code job} field, or
     * all its fields as a JSON object (keys sorted) when the entry has no {@code job} field.
     */
    public static DeadLetter fromStreamEntry(
            RedisStreamEntry entry, String reason, String stage, long failedAt) {
        return new DeadLetter(entry.stream, entry.entryId, payloadOf(entry), reason, stage, failedAt);
    }

    private static String payloadOf(RedisStreamEntry entry) {
        if (entry.fields == null) {
            return "{}";
        }
        String job = entry.fields.get(JOB_FIELD);
        if (job != null) {
            return job;
        }
        try {
            return JSON.writeValueAsString(new TreeMap<>(entry.fields));
        } catch (JsonProcessingException e) {
            // A map of strings always serializes; this branch exists only for the checked type.
            throw new IllegalStateException("Cannot write the fields of entry " + entry.entryId + " as JSON", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof DeadLetter)) {
            return false;
        }
        DeadLetter that = (DeadLetter) other;
        return failedAt == that.failedAt
                && Objects.equals(sourceName, that.sourceName)
                && Objects.equals(sourcePosition, that.sourcePosition)
                && Objects.equals(payload, that.payload)
                && Objects.equals(reason, that.reason)
                && Objects.equals(stage, that.stage);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sourceName, sourcePosition, payload, reason, stage, failedAt);
    }

    @Override
    public String toString() {
        return "DeadLetter{" + sourceName + "/" + sourcePosition + ", stage=" + stage + ", reason=" + reason + "}";
    }
}
