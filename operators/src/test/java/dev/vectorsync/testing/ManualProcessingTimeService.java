package dev.vectorsync.testing;

import org.apache.flink.api.common.operators.ProcessingTimeService;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * Processing-time service whose clock moves only when a test calls {@link #advanceTo}. Due timers
 * then run on the calling thread, as they would on a task's mailbox thread. Cancellation through
 * the returned future is not supported.
 */
public final class ManualProcessingTimeService implements ProcessingTimeService {

    private final List<Timer> timers = new ArrayList<>();
    private long currentTime;

    public ManualProcessingTimeService(long startTime) {
        this.currentTime = startTime;
    }

    @Override
    public long getCurrentProcessingTime() {
        return currentTime;
    }

    @Override
    public ScheduledFuture<?> registerTimer(long timestamp, ProcessingTimeCallback callback) {
        timers.add(new Timer(timestamp, callback));
        // The writer never cancels its timer, so a future that never completes is enough.
        return new UnsupportedScheduledFuture();
    }

    /** Moves the clock to {@code time} and runs every timer due by then, earliest first. */
    public void advanceTo(long time) throws Exception {
        currentTime = time;
        while (true) {
            Timer due =
                    timers.stream()
                            .filter(timer -> timer.timestamp <= time)
                            .min(Comparator.comparingLong(timer -> timer.timestamp))
                            .orElse(null);
            if (due == null) {
                return;
            }
            timers.remove(due);
            due.callback.onProcessingTime(time);
        }
    }

    public int pendingTimers() {
        return timers.size();
    }

    private record Timer(long timestamp, ProcessingTimeCallback callback) {}

    private static final class UnsupportedScheduledFuture extends CompletableFuture<Object>
            implements ScheduledFuture<Object> {

        @Override
        public long getDelay(java.util.concurrent.TimeUnit unit) {
            throw new UnsupportedOperationException("ManualProcessingTimeService timers have no delay");
        }

        @Override
        public int compareTo(java.util.concurrent.Delayed other) {
            throw new UnsupportedOperationException("ManualProcessingTimeService timers do not compare");
        }
    }
}
