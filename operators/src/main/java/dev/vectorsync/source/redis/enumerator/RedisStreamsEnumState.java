package dev.vectorsync.source.redis.enumerator;

import org.apache.flink.annotation.Internal;

import dev.vectorsync.source.redis.split.RedisStreamSplit;

import java.util.List;
import java.util.Objects;

/**
 * Checkpointed state of {@link RedisStreamsSplitEnumerator}: the splits not yet assigned to a
 * reader, and whether the splits were created. Assigned splits live in the readers' state.
 */
@Internal
public final class RedisStreamsEnumState {

    private final List<RedisStreamSplit> unassignedSplits;
    private final boolean splitsCreated;

    public RedisStreamsEnumState(List<RedisStreamSplit> unassignedSplits, boolean splitsCreated) {
        this.unassignedSplits = List.copyOf(unassignedSplits);
        this.splitsCreated = splitsCreated;
    }

    public List<RedisStreamSplit> getUnassignedSplits() {
        return unassignedSplits;
    }

    /**
     * Returns true once the enumerator has created one split per stream. A restored enumerator
     * must not create them again, because the assigned ones are already in the readers' state.
     */
    public boolean isSplitsCreated() {
        return splitsCreated;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof RedisStreamsEnumState)) {
            return false;
        }
        RedisStreamsEnumState that = (RedisStreamsEnumState) other;
        return splitsCreated == that.splitsCreated
                && unassignedSplits.equals(that.unassignedSplits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(unassignedSplits, splitsCreated);
    }

    @Override
    public String toString() {
        return "RedisStreamsEnumState{unassignedSplits="
                + unassignedSplits
                + ", splitsCreated="
                + splitsCreated
                + "}";
    }
}
