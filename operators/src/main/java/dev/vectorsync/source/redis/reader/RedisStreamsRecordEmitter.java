package dev.vectorsync.source.redis.reader;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;

import dev.vectorsync.redis.StreamEntryIds;
import dev.vectorsync.source.redis.RedisStreamEntry;
import dev.vectorsync.source.redis.split.RedisStreamSplitState;

/**
 * Emits a stream entry with the millisecond part of its id as the record timestamp, advances the
 * split's position to it and records it for acknowledgement after the next completed checkpoint.
 * Called on the task thread.
 */
@Internal
public final class RedisStreamsRecordEmitter
        implements RecordEmitter<RedisStreamEntry, RedisStreamEntry, RedisStreamSplitState> {

    private final PendingAcknowledgements pendingAcknowledgements;

    public RedisStreamsRecordEmitter(PendingAcknowledgements pendingAcknowledgements) {
        this.pendingAcknowledgements = pendingAcknowledgements;
    }

    @Override
    public void emitRecord(
            RedisStreamEntry entry,
            SourceOutput<RedisStreamEntry> output,
            RedisStreamSplitState splitState) {
        output.collect(entry, StreamEntryIds.parse(entry.entryId).getTime());
        splitState.setPosition(entry.entryId);
        pendingAcknowledgements.add(entry.stream, entry.entryId);
    }
}
