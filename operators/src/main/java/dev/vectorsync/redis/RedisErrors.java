package dev.vectorsync.redis;

import org.apache.flink.annotation.Internal;

import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/** Sorts Jedis exceptions into "retry after reconnecting" and "fail", by the server's error code. */
@Internal
public final class RedisErrors {

    private RedisErrors() {}

    /**
     * Returns true for failures that a reconnect can fix: a lost or refused connection, a server
     * still loading its data after a restart, or a replica that lost its primary.
     */
    public static boolean isRetryable(JedisException e) {
        if (e instanceof JedisConnectionException) {
            return true;
        }
        return hasCode(e, "LOADING") || hasCode(e, "MASTERDOWN") || hasCode(e, "TRYAGAIN");
    }

    /** Returns true if the stream or its consumer group does not exist (error code NOGROUP). */
    public static boolean isNoGroup(JedisException e) {
        return hasCode(e, "NOGROUP");
    }

    /** Returns true if XGROUP CREATE found the group already there (error code BUSYGROUP). */
    public static boolean isBusyGroup(JedisException e) {
        return hasCode(e, "BUSYGROUP");
    }

    /** Returns true if a key that a command needs does not exist ("ERR no such key"). */
    public static boolean isNoSuchKey(JedisException e) {
        return e instanceof JedisDataException
                && e.getMessage() != null
                && e.getMessage().toLowerCase().contains("no such key");
    }

    private static boolean hasCode(JedisException e, String code) {
        String message = e.getMessage();
        return e instanceof JedisDataException && message != null && message.startsWith(code);
    }
}
