package dev.vectorsync.deadletter;

import dev.vectorsync.source.redis.RedisStreamEntry;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterTest {

    @Test
    void payloadIsJobField() {
        RedisStreamEntry entry = new RedisStreamEntry("post-sync", "1-0", Map.of("job", "{\"id\":7}", "x", "y"));

        DeadLetter deadLetter = DeadLetter.fromStreamEntry(entry, "bad json", "decode", 42L);

        assertThat(deadLetter.payload).isEqualTo("{\"id\":7}");
        assertThat(deadLetter.sourceName).isEqualTo("post-sync");
        assertThat(deadLetter.sourcePosition).isEqualTo("1-0");
        assertThat(deadLetter.failedAt).isEqualTo(42L);
    }

    @Test
    void payloadFallsBackToAllFields() {
        RedisStreamEntry entry = new RedisStreamEntry("post-sync", "1-0", Map.of("b", "2", "a", "1"));

        DeadLetter deadLetter = DeadLetter.fromStreamEntry(entry, "no job field", "decode", 42L);

        assertThat(deadLetter.payload).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");
    }

    @Test
    void isFlinkPojo() {
        assertThat(TypeInformation.of(DeadLetter.class)).isInstanceOf(PojoTypeInfo.class);
    }
}
