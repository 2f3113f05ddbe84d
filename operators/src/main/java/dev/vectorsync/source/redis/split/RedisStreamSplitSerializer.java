package dev.vectorsync.source.redis.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

import javax.annotation.Nullable;

import java.io.IOException;

/**
 * Versioned serializer of {@link RedisStreamSplit} for checkpoints and for sending splits to
 * readers.
 *
 * <p>Version 1 layout: stream name (modified UTF-8), then the position and the stop id, each as a
 * presence flag followed by the id when present.
 */
@Internal
public final class RedisStreamSplitSerializer implements SimpleVersionedSerializer<RedisStreamSplit> {

    public static final RedisStreamSplitSerializer INSTANCE = new RedisStreamSplitSerializer();

    private static final int CURRENT_VERSION = 1;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(RedisStreamSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        write(split, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public RedisStreamSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != CURRENT_VERSION) {
            throw new IOException(
                    "Unsupported version "
                            + version
                            + " of a serialized RedisStreamSplit: this build reads version "
                            + CURRENT_VERSION
                            + ". Restore with the build that wrote the checkpoint.");
        }
        return read(new DataInputDeserializer(serialized));
    }

    /** Writes one split in the current version's layout; used by the enumerator state too. */
    public static void write(RedisStreamSplit split, DataOutputView out) throws IOException {
        out.writeUTF(split.getStream());
        writeNullable(split.getPosition(), out);
        writeNullable(split.getStopId(), out);
    }

    /** Reads one split written by {@link #write}. */
    public static RedisStreamSplit read(DataInputView in) throws IOException {
        String stream = in.readUTF();
        String position = readNullable(in);
        String stopId = readNullable(in);
        return new RedisStreamSplit(stream, position, stopId);
    }

    private static void writeNullable(@Nullable String value, DataOutputView out)
            throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    @Nullable
    private static String readNullable(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
