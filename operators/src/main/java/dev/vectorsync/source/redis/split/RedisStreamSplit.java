package dev.vectorsync.source.redis.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.util.Preconditions;

import javax.annotation.Nullable;

import java.util.Objects;

/**
 * One Redis stream, read by exactly one source reader. The split id is the stream name.
 *
 * <p>{@link #getPosition()} is the id of the last entry emitted before the checkpoint that stored
 * the split; a restored reader resumes after it. {@link #getStopId()} is set only in bounded mode:
 * the id of the last entry that existed when the job started.
 */
@Internal
public final class RedisStreamSplit implements SourceSplit {

    private final String stream;
    @Nullable private final String position;
    @Nullable private final String stopId;

    public RedisStreamSplit(String stream, @Nullable String position, @Nullable String stopId) {
        this.stream = Preconditions.checkNotNull(stream, "stream");
        this.position = position;
        this.stopId = stopId;
    }

    @Override
    public String splitId() {
        return stream;
    }

    public String getStream() {
        return stream;
    }

    /** Returns the last emitted entry id, or null if nothing was emitted from this split yet. */
    @Nullable
    public String getPosition() {
        return position;
    }

    /** Returns the last entry id to read in bounded mode, or null in unbounded mode. */
    @Nullable
    public String getStopId() {
        return stopId;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof RedisStreamSplit)) {
            return false;
        }
        RedisStreamSplit that = (RedisStreamSplit) other;
        return stream.equals(that.stream)
                && Objects.equals(position, that.position)
                && Objects.equals(stopId, that.stopId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stream, position, stopId);
    }

    @Override
    public String toString() {
        return "RedisStreamSplit{stream="
                + stream
                + ", position="
                + position
                + ", stopId="
                + stopId
                + "}";
    }
}
