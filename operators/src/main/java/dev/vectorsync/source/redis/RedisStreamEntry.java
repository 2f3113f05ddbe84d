package dev.vectorsync.source.redis;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a Redis stream as emitted by {@link RedisStreamsSource}: the stream name, the entry
 * id and the field-value pairs, undecoded. The backend writes the change event as JSON into the
 * {@code job} field, which a later operator decodes.
 *
 * <p>Flink POJO: public fields and a no-argument constructor. {@link RedisStreamEntryTypeInfoFactory}
 * gives the field map Flink's map serializer in every operator that produces this type, so Flink
 * does not fall back to Kryo for it.
 */
@PublicEvolving
@TypeInfo(RedisStreamEntryTypeInfoFactory.class)
public class RedisStreamEntry implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Type information with a map serializer for {@link #fields}. */
    public static final TypeInformation<RedisStreamEntry> TYPE_INFO =
            TypeInformation.of(RedisStreamEntry.class);

    /** Name of the stream the entry was read from, such as {@code post-sync}. */
    public String stream;
    /** Entry id such as {@code 1700000000000-3}: milliseconds, a dash and a sequence number. */
    public String entryId;
    /** Field-value pairs of the entry in the order Redis returned them. */
    public Map<String, String> fields;

    public RedisStreamEntry() {}

    public RedisStreamEntry(String stream, String entryId, Map<String, String> fields) {
        this.stream = stream;
        this.entryId = entryId;
        this.fields = fields;
    }

    /** Returns a copy with its own field map. */
    public RedisStreamEntry copy() {
        return new RedisStreamEntry(stream, entryId, fields == null ? null : new HashMap<>(fields));
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof RedisStreamEntry)) {
            return false;
        }
        RedisStreamEntry that = (RedisStreamEntry) other;
        return Objects.equals(stream, that.stream)
                && Objects.equals(entryId, that.entryId)
                && Objects.equals(fields, that.fields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stream, entryId, fields);
    }

    @Override
    public String toString() {
        return stream + "/" + entryId + " " + fields;
    }
}
