package dev.vectorsync.redis;

import org.apache.flink.annotation.Internal;

import redis.clients.jedis.StreamEntryID;

/** Parsing and ordering of Redis stream entry ids of the form {@code <milliseconds>-<sequence>}. */
@Internal
public final class StreamEntryIds {

    /** The id before every entry; a group at this id delivers the whole stream. */
    public static final String MINIMUM = "0-0";

    private StreamEntryIds() {}

    /**
     * Parses an entry id such as {@code 1700000000000-3}.
     *
     * @throws IllegalArgumentException if the text is not a complete entry id
     */
    public static StreamEntryID parse(String id) {
        try {
            return new StreamEntryID(id);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "Invalid Redis stream entry id '" + id + "': expected <milliseconds>-<sequence>.",
                    e);
        }
    }

    /** Compares two entry ids in stream order. */
    public static int compare(String left, String right) {
        return parse(left).compareTo(parse(right));
    }

    /** Returns true if {@code id} comes after {@code other} in stream order. */
    public static boolean isAfter(String id, String other) {
        return compare(id, other) > 0;
    }

    /**
     * Returns the id just before {@code id}, so that a consumer group set to it delivers {@code id}
     * again.
     *
     * <p>Redis sequence numbers are unsigned 64-bit values but Jedis parses them as signed longs,
     * so the predecessor of {@code <ms>-0} is {@code <ms-1>-9223372036854775807}. An entry with the
     * same millisecond and a larger sequence would be skipped; Redis only generates such sequence
     * numbers when a producer sets ids explicitly.
     */
    public static String previous(String id) {
        StreamEntryID parsed = parse(id);
        if (parsed.getSequence() > 0) {
            return new StreamEntryID(parsed.getTime(), parsed.getSequence() - 1).toString();
        }
        if (parsed.getTime() > 0) {
            return new StreamEntryID(parsed.getTime() - 1, Long.MAX_VALUE).toString();
        }
        return MINIMUM;
    }
}
