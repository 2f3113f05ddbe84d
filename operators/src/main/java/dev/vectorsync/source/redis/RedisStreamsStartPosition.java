package dev.vectorsync.source.redis;

import org.apache.flink.annotation.PublicEvolving;

/**
 * Start position of a new consumer group. It applies only when a split has no checkpointed
 * position and the group does not exist yet. An existing group resumes from its own position.
 */
@PublicEvolving
public enum RedisStreamsStartPosition {
    /** Read every entry the stream contains ({@code XGROUP CREATE ... 0}). */
    EARLIEST("0"),
    /** Read only entries added after the group was created ({@code XGROUP CREATE ... $}). */
    LATEST("$");

    private final String groupCreateId;

    RedisStreamsStartPosition(String groupCreateId) {
        this.groupCreateId = groupCreateId;
    }

    /** Returns the id argument of {@code XGROUP CREATE} for this position. */
    public String groupCreateId() {
        return groupCreateId;
    }
}
