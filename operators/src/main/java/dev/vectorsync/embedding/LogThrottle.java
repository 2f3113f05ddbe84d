package dev.vectorsync.embedding;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one log line through per interval and counts the lines it held back, so that a failing model
 * does not write one line per record. Thread-safe.
 */
final class LogThrottle {

    private final long intervalNanos;
    private final AtomicLong nextAllowedNanos;
    private final AtomicLong suppressed = new AtomicLong();

    LogThrottle(Duration interval) {
        this.intervalNanos = interval.toNanos();
        this.nextAllowedNanos = new AtomicLong(System.nanoTime());
    }

    /**
     * Returns the number of lines held back since the last permitted one when this line may be
     * logged, or -1 when it must be dropped.
     */
    long tryAcquire() {
        long now = System.nanoTime();
        long next = nextAllowedNanos.get();
        if (now - next >= 0 && nextAllowedNanos.compareAndSet(next, now + intervalNanos)) {
            return suppressed.getAndSet(0);
        }
        suppressed.incrementAndGet();
        return -1;
    }
}
