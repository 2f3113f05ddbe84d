package dev.vectorsync.source.redis;

import org.apache.flink.annotation.PublicEvolving;

/**
 * Where a new consumer group starts reading a stream. It applies only when a split has no
 * checkpointed position and the group does not exist yet; an existing group always resumes from
 * its own position.
 */
@PublicEvolving
public enum RedisStreamsStartPosition {
    /** Read every entry the stream holds ({@code XGROUP CREATE ... 0}). */
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
