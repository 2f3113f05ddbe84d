package dev.vectorsync.source.redis;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RedisStreamEntryTest {

    @Test
    void typeInfoIsPojoWithoutGenericFields() {
        TypeInformation<RedisStreamEntry> typeInfo = TypeInformation.of(RedisStreamEntry.class);

        assertThat(typeInfo).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<RedisStreamEntry> pojo = (PojoTypeInfo<RedisStreamEntry>) typeInfo;
        for (int i = 0; i < pojo.getArity(); i++) {
            assertThat(pojo.getTypeAt(i)).isNotInstanceOf(GenericTypeInfo.class);
        }
    }

    @Test
    void serializerRoundTrip() throws Exception {
        TypeSerializer<RedisStreamEntry> serializer =
                RedisStreamEntry.TYPE_INFO.createSerializer(new ExecutionConfig());
        RedisStreamEntry entry =
                new RedisStreamEntry("post-sync", "1700000000000-3", Map.of("job", "{}", "kind", "post"));

        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(entry, out);
        RedisStreamEntry restored = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(restored).isEqualTo(entry);
    }
}
