package dev.vectorsync.source.redis.enumerator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import dev.vectorsync.source.redis.split.RedisStreamSplit;
import dev.vectorsync.source.redis.split.RedisStreamSplitSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned serializer of {@link RedisStreamsEnumState}.
 *
 * <p>Version 1 layout: the splits-created flag, the number of unassigned splits, then each split in
 * the layout of {@link RedisStreamSplitSerializer} version 1.
 */
@Internal
public final class RedisStreamsEnumStateSerializer
        implements SimpleVersionedSerializer<RedisStreamsEnumState> {

    private static final int CURRENT_VERSION = 1;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(RedisStreamsEnumState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(128);
        out.writeBoolean(state.isSplitsCreated());
        out.writeInt(state.getUnassignedSplits().size());
        for (RedisStreamSplit split : state.getUnassignedSplits()) {
            RedisStreamSplitSerializer.write(split, out);
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public RedisStreamsEnumState deserialize(int version, byte[] serialized) throws IOException {
        if (version != CURRENT_VERSION) {
            throw new IOException(
                    "Unsupported version "
                            + version
                            + " of a serialized RedisStreamsEnumState: this build reads version "
                            + CURRENT_VERSION
                            + ". Restore with the build that wrote the checkpoint.");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        boolean splitsCreated = in.readBoolean();
        int count = in.readInt();
        List<RedisStreamSplit> splits = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            splits.add(RedisStreamSplitSerializer.read(in));
        }
        return new RedisStreamsEnumState(splits, splitsCreated);
    }
}
