package dev.vectorsync.source.redis.split;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

/**
 * Mutable position of a {@link RedisStreamSplit} while a reader emits its entries. Used only on
 * the task thread: the record emitter advances it, and checkpoints turn it back into a split.
 */
@Internal
public final class RedisStreamSplitState {

    private final String stream;
    @Nullable private final String stopId;
    @Nullable private String position;

    public RedisStreamSplitState(RedisStreamSplit split) {
        this.stream = split.getStream();
        this.stopId = split.getStopId();
        this.position = split.getPosition();
    }

    public String getStream() {
        return stream;
    }

    @Nullable
    public String getPosition() {
        return position;
    }

    /** Records {@code entryId} as the last emitted entry. */
    public void setPosition(String entryId) {
        this.position = entryId;
    }

    /** Returns an immutable split for a checkpoint. */
    public RedisStreamSplit toSplit() {
        return new RedisStreamSplit(stream, position, stopId);
    }
}
