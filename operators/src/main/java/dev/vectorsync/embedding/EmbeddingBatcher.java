package dev.vectorsync.embedding;

import org.apache.flink.annotation.Internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Collects texts from any number of threads into batches for one {@link EmbeddingModel}.
 *
 * <p>One worker thread takes the first waiting request, then waits at most {@code maxBatchWait} for
 * more, up to {@code maxBatchSize} texts, and calls the model once for all of them. So a request
 * waits at most {@code maxBatchWait} plus the model calls queued before it. Requests whose future
 * is already complete (for example timed out by the caller) are skipped. When a model call fails,
 * every future of that batch completes exceptionally with the model's exception.
 *
 * <p>A text identical to one that is queued or being embedded joins that request instead of
 * queuing again, so the model embeds it once: an edit that reaches the batcher while the same text
 * of an earlier write is still waiting costs no second model call. Each caller gets its own future,
 * so a caller's timeout does not fail the others; the request is skipped only when every caller's
 * future is complete.
 *
 * <p>{@link #submit} is thread-safe and never waits for the model. {@link #close()} stops the
 * worker after the current model call and completes all pending futures exceptionally.
 */
@Internal
public final class EmbeddingBatcher implements AutoCloseable {

    /** Receives one call per model call, on the worker thread; must be fast and must not throw. */
    @FunctionalInterface
    public interface BatchListener {
        /**
         * Records one model call.
         *
         * @param size texts in the batch
         * @param modelNanos time the model call took, in nanoseconds
         * @param failed whether the model call threw
         */
        void onBatch(int size, long modelNanos, boolean failed);
    }

    private final EmbeddingModel model;
    private final int maxBatchSize;
    private final long maxBatchWaitNanos;
    private final BatchListener listener;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Object submitLock = new Object();
    private final Thread worker;

    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong texts = new AtomicLong();
    private final AtomicLong joined = new AtomicLong();

    /**
     * Requests queued or in a running model call, by text. Guarded by {@link #submitLock}, like
     * each request's callers.
     */
    private final Map<String, Request> unfinished = new HashMap<>();
    private volatile int lastBatchSize;
    private volatile long lastModelNanos;

    /**
     * Guarded by {@link #submitLock}, so that no request is queued after close drains the queue.
     */
    private boolean closed;

    public EmbeddingBatcher(
            EmbeddingModel model, int maxBatchSize, Duration maxBatchWait, BatchListener listener) {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize " + maxBatchSize + " is below 1");
        }
        this.model = model;
        this.maxBatchSize = maxBatchSize;
        this.maxBatchWaitNanos = maxBatchWait.toNanos();
        this.listener = listener;
        this.worker = new Thread(this::runWorker, "embedding-batcher-" + model.modelId());
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /**
     * Queues {@code text} and returns a future of its vector. The future completes on the worker
     * thread, so callers must not block in its callbacks. After {@link #close()} it is returned
     * already failed with an {@link IllegalStateException}; a null text fails it at once with an
     * {@link IllegalArgumentException}.
     */
    public CompletableFuture<float[]> submit(String text) {
        CompletableFuture<float[]> future = new CompletableFuture<>();
        if (text == null) {
            future.completeExceptionally(
                    new IllegalArgumentException("text is null; pass an empty string instead"));
            return future;
        }
        synchronized (submitLock) {
            if (closed) {
                future.completeExceptionally(closedException());
                return future;
            }
            Request same = unfinished.get(text);
            if (same != null) {
                same.callers.add(future);
                joined.incrementAndGet();
                return future;
            }
            Request request = new Request(text, future);
            unfinished.put(text, request);
            queue.add(request);
        }
        return future;
    }

    /** Requests waiting for the worker. */
    public int queueSize() {
        return queue.size();
    }

    /** Model calls made so far. */
    public long batchCount() {
        return batches.get();
    }

    /** Texts sent to the model so far. */
    public long textCount() {
        return texts.get();
    }

    /** Submits that joined an identical text already queued or being embedded, so far. */
    public long joinedCount() {
        return joined.get();
    }

    /** Texts in the latest model call; 0 before the first. */
    public int lastBatchSize() {
        return lastBatchSize;
    }

    /** Duration of the latest model call, in nanoseconds. */
    public long lastModelNanos() {
        return lastModelNanos;
    }

    /**
     * Stops the worker after its current model call and fails every request still queued. Waits for
     * the worker to end; restores the caller's interrupt flag if interrupted meanwhile.
     */
    @Override
    public void close() {
        synchronized (submitLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        worker.interrupt();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }

        List<Request> pending = new ArrayList<>();
        queue.drainTo(pending);
        for (Request request : pending) {
            fail(request, closedException());
        }
    }

    private IllegalStateException closedException() {
        return new IllegalStateException(
                "embedding batcher of model "
                        + model.modelId()
                        + " is closed; the task is stopping");
    }

    private void runWorker() {
        List<Request> batch = new ArrayList<>(maxBatchSize);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                collectBatch(batch);
                embedBatch(batch);
                batch.clear();
            }
        } catch (InterruptedException e) {
            // close() asked the worker to stop; requests of the batch being collected are failed
            // here, and queued ones by close().
            for (Request request : batch) {
                fail(request, closedException());
            }
        }
    }

    /**
     * Blocks until one request arrives, then gathers more until the batch is full or the wait ends.
     */
    private void collectBatch(List<Request> batch) throws InterruptedException {
        addIfPending(batch, queue.take());
        long deadline = System.nanoTime() + maxBatchWaitNanos;
        while (batch.size() < maxBatchSize) {
            long remaining = deadline - System.nanoTime();
            Request next =
                    remaining > 0 ? queue.poll(remaining, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                if (!batch.isEmpty()) {
                    return;
                }
                // Every request so far was already complete; start over with a fresh wait.
                addIfPending(batch, queue.take());
                deadline = System.nanoTime() + maxBatchWaitNanos;
                continue;
            }
            addIfPending(batch, next);
        }
    }

    private void addIfPending(List<Request> batch, Request request) {
        synchronized (submitLock) {
            for (CompletableFuture<float[]> caller : request.callers) {
                if (!caller.isDone()) {
                    batch.add(request);
                    return;
                }
            }
            // Every caller gave up; a later identical text must queue a request of its own.
            unfinished.remove(request.text, request);
        }
    }

    private void embedBatch(List<Request> batch) {
        List<String> batchTexts = new ArrayList<>(batch.size());
        for (Request request : batch) {
            batchTexts.add(request.text);
        }

        long start = System.nanoTime();
        float[][] vectors;
        try {
            vectors = model.embed(batchTexts);
        } catch (RuntimeException e) {
            record(batch.size(), System.nanoTime() - start, true);
            // Not logged here: the callers of the failed futures log and count it.
            for (Request request : batch) {
                fail(request, e);
            }
            return;
        }
        record(batch.size(), System.nanoTime() - start, false);

        if (vectors.length != batch.size()) {
            EmbeddingException mismatch =
                    new EmbeddingException(
                            "Model "
                                    + model.modelId()
                                    + " returned "
                                    + vectors.length
                                    + " vectors for "
                                    + batch.size()
                                    + " texts");
            batch.forEach(request -> fail(request, mismatch));
            return;
        }

        for (int i = 0; i < batch.size(); i++) {
            List<CompletableFuture<float[]>> callers = finish(batch.get(i));
            for (int c = 0; c < callers.size(); c++) {
                // Each caller owns its array, since callers may keep or change it.
                callers.get(c).complete(c == 0 ? vectors[i] : vectors[i].clone());
            }
        }
    }

    /** Ends the request: later identical texts queue anew. Returns its callers at this moment. */
    private List<CompletableFuture<float[]>> finish(Request request) {
        synchronized (submitLock) {
            unfinished.remove(request.text, request);
            return new ArrayList<>(request.callers);
        }
    }

    private void fail(Request request, Throwable error) {
        for (CompletableFuture<float[]> caller : finish(request)) {
            caller.completeExceptionally(error);
        }
    }

    private void record(int size, long modelNanos, boolean failed) {
        batches.incrementAndGet();
        texts.addAndGet(size);
        lastBatchSize = size;
        lastModelNanos = modelNanos;
        listener.onBatch(size, modelNanos, failed);
    }

    private static final class Request {
        final String text;
        /** Guarded by {@link #submitLock}. */
        final List<CompletableFuture<float[]>> callers = new ArrayList<>(1);

        Request(String text, CompletableFuture<float[]> first) {
            this.text = text;
            this.callers.add(first);
        }
    }
}
