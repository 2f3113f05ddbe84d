package dev.vectorsync.source.redis.enumerator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedisStreamsSplitEnumeratorTest {

    @Test
    void ownerIsStableAndInRange() {
        for (String stream : new String[] {"post-sync", "user-sync", "", "x"}) {
            int owner = RedisStreamsSplitEnumerator.ownerOf(stream, 3);

            assertThat(owner).isBetween(0, 2);
            assertThat(RedisStreamsSplitEnumerator.ownerOf(stream, 3)).isEqualTo(owner);
        }
    }
}
