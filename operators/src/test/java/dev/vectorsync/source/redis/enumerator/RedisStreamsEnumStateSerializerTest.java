package dev.vectorsync.source.redis.enumerator;

import dev.vectorsync.source.redis.split.RedisStreamSplit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedisStreamsEnumStateSerializerTest {

    private final RedisStreamsEnumStateSerializer serializer = new RedisStreamsEnumStateSerializer();

    @Test
    void roundTripWithSplits() throws IOException {
        RedisStreamsEnumState state =
                new RedisStreamsEnumState(
                        List.of(
                                new RedisStreamSplit("post-sync", null, "1700000000000-0"),
                                new RedisStreamSplit("user-sync", "1700000000001-2", null)),
                        true);

        assertThat(roundTrip(state)).isEqualTo(state);
    }

    @Test
    void roundTripEmpty() throws IOException {
        RedisStreamsEnumState state = new RedisStreamsEnumState(List.of(), false);

        assertThat(roundTrip(state)).isEqualTo(state);
    }

    private RedisStreamsEnumState roundTrip(RedisStreamsEnumState state) throws IOException {
        return serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
    }
}
