package dev.vectorsync.source.redis.split;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisStreamSplitSerializerTest {

    private final RedisStreamSplitSerializer serializer = RedisStreamSplitSerializer.INSTANCE;

    @Test
    void roundTripWithPositionAndStopId() throws IOException {
        assertRoundTrip(new RedisStreamSplit("post-sync", "1700000000000-3", "1700000000500-0"));
    }

    @Test
    void roundTripWithoutPositionOrStopId() throws IOException {
        assertRoundTrip(new RedisStreamSplit("user-sync", null, null));
    }

    @Test
    void roundTripWithStopIdOnly() throws IOException {
        assertRoundTrip(new RedisStreamSplit("user-sync", null, "0-0"));
    }

    @Test
    void rejectsUnknownVersion() throws IOException {
        byte[] bytes = serializer.serialize(new RedisStreamSplit("post-sync", null, null));

        assertThatThrownBy(() -> serializer.deserialize(99, bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("version 99");
    }

    private void assertRoundTrip(RedisStreamSplit split) throws IOException {
        byte[] bytes = serializer.serialize(split);

        RedisStreamSplit restored = serializer.deserialize(serializer.getVersion(), bytes);

        assertThat(restored).isEqualTo(split);
        assertThat(restored.splitId()).isEqualTo(split.getStream());
    }
}
