package dev.vectorsync.milvus;

import java.io.IOException;

/**
 * Thrown by the Milvus sink writer when a delete or upsert failed for good: the error cannot be
 * retried, or the retries ran out. Flink then fails the task and restarts from the last checkpoint,
 * which replays the buffered actions, so no change is dropped.
 */
public class MilvusWriteException extends IOException {

    private static final long serialVersionUID = 1L;

    public MilvusWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
