package dev.vectorsync.source.redis;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * Declares {@link RedisStreamEntry} as a POJO whose field map uses Flink's map serializer. Without
 * it the type extractor treats the map as a generic type, and Kryo then fails on Java 17 unless
 * the JVM opens {@code java.util} to it.
 */
@Internal
public final class RedisStreamEntryTypeInfoFactory extends TypeInfoFactory<RedisStreamEntry> {

    @Override
    public TypeInformation<RedisStreamEntry> createTypeInfo(
            Type type, Map<String, TypeInformation<?>> genericParameters) {
        return Types.POJO(
                RedisStreamEntry.class,
                Map.of(
                        "stream", Types.STRING,
                        "entryId", Types.STRING,
                        "fields", Types.MAP(Types.STRING, Types.STRING)));
    }
}
