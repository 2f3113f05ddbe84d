package dev.vectorsync.source.redis.reader;

import org.apache.flink.annotation.Internal;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

import java.util.List;

/** Sends XACK for many entry ids in chunks, so that no single command grows without bound. */
@Internal
final class StreamAcknowledger {

    /** Maximum number of ids in one XACK command. */
    static final int CHUNK_SIZE = 500;

    private StreamAcknowledger() {}

    /**
     * Acknowledges {@code entryIds} of {@code stream} for {@code group}.
     *
     * @return how many entries Redis removed from the group's pending list. Ids that were not
     *     pending, because they were acknowledged before or lost in a restart, are not counted.
     */
    static long acknowledge(Jedis jedis, String stream, String group, List<String> entryIds) {
        long acknowledged = 0;
        for (int start = 0; start < entryIds.size(); start += CHUNK_SIZE) {
            List<String> chunk = entryIds.subList(start, Math.min(entryIds.size(), start + CHUNK_SIZE));
            StreamEntryID[] ids = chunk.stream().map(StreamEntryID::new).toArray(StreamEntryID[]::new);
            acknowledged += jedis.xack(stream, group, ids);
        }
        return acknowledged;
    }
}
