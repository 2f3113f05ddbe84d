package dev.vectorsync.redis;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.Preconditions;

import java.time.Duration;

/**
 * Exponential backoff between reconnect attempts during one outage of the Redis server, with a
 * deadline after which the caller gives up and lets the Flink restart strategy take over.
 *
 * <p>Not thread-safe: each reader or writer owns one instance and uses it from one thread.
 */
@Internal
public final class ReconnectBackoff {

    /** Repeated WARN lines for one outage are limited to one per this interval. */
    private static final long WARN_INTERVAL_MILLIS = 30_000;

    private final long initialDelayMillis;
    private final long maxDelayMillis;
    private final long deadlineMillis;

    private int attempt;
    private long outageStartMillis;
    private long lastWarnMillis;

    /**
     * Creates a backoff.
     *
     * @param initialDelay wait after the first failure; doubled after each further failure
     * @param maxDelay upper bound of one wait
     * @param deadline time from the first failure of an outage after which {@link #onFailure}
     *     reports that the caller should give up
     */
    public ReconnectBackoff(Duration initialDelay, Duration maxDelay, Duration deadline) {
        Preconditions.checkArgument(!initialDelay.isNegative(), "initialDelay must not be negative");
        Preconditions.checkArgument(
                maxDelay.compareTo(initialDelay) >= 0, "maxDelay must not be below initialDelay");
        this.initialDelayMillis = initialDelay.toMillis();
        this.maxDelayMillis = maxDelay.toMillis();
        this.deadlineMillis = deadline.toMillis();
    }

    /**
     * Records a failed attempt.
     *
     * @return the delay in milliseconds before the next attempt, or -1 if the deadline has passed
     */
    public long onFailure(long nowMillis) {
        if (attempt == 0) {
            outageStartMillis = nowMillis;
        }
        attempt++;
        if (nowMillis - outageStartMillis >= deadlineMillis) {
            return -1;
        }
        int doublings = Math.min(attempt - 1, 30);
        return Math.min(maxDelayMillis, initialDelayMillis << doublings);
    }

    /** Ends the current outage; returns true if there was one. */
    public boolean onSuccess() {
        boolean recovered = attempt > 0;
        attempt = 0;
        lastWarnMillis = 0;
        return recovered;
    }

    /** Number of failed attempts in the current outage; 0 when connected. */
    public int attempt() {
        return attempt;
    }

    /** Milliseconds since the first failure of the current outage. */
    public long outageMillis(long nowMillis) {
        return attempt == 0 ? 0 : nowMillis - outageStartMillis;
    }

    /**
     * Returns true if this failure should be logged at WARN: the first three attempts of an outage
     * and then one attempt per 30 seconds. The others should go to DEBUG.
     */
    public boolean shouldWarn(long nowMillis) {
        if (attempt <= 3 || nowMillis - lastWarnMillis >= WARN_INTERVAL_MILLIS) {
            lastWarnMillis = nowMillis;
            return true;
        }
        return false;
    }
}
