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
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Collects texts from any number of threads into batches for one {@link EmbeddingModel}.
 *
 * <p>Two threads share the work. The collector takes the first waiting request, prepares it
 * ({@link EmbeddingModel#prepare}: tokenisation) and waits at most {@code maxBatchWait} for
 * more, up to {@code maxBatchSize} texts, and calls the model once for all of them. So a request
 * waits at most {@code maxBatchWait} plus the model calls queued before it. Requests whose future
 * is already complete (for example timed out by the caller) are skipped. When a model call fails,
 * every future of that batch completes exceptionally with the model's exception.
 *
 * <p>A text identical to one that is queued or being embedded joins that request instead of
 * queuing again, so the model embeds it once: an edit that reaches the batcher while the same text
 * of an earlier write is still waiting costs no second model call. Each caller gets its own future,
 * so a caller's timeout does not fail the others. The request is skipped only when every caller's
 * future is complete.
 *
 * <p>While the model thread is still busy with the previous batch, the collector goes on adding and
 * preparing requests until the batch is full, so that batches are as large as with one thread and
 * tokenisation never holds up the model. A text that fails to prepare fails alone.
 *
 * <p>{@link #submit} is thread-safe and never waits for the model. {@link #close()} stops both
 * threads after the current model call and completes all pending futures exceptionally.
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

    /** How often the collector offers a waiting batch again while the model thread is busy. */
    private static final long HANDOFF_POLL_MILLIS = 2;
    private final Thread collector;
    private final Thread worker;

    /** The collector hands a prepared batch to the model thread only when that thread waits for one. */
    private final SynchronousQueue<List<Request>> handoff = new SynchronousQueue<>();

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
        this.collector = new Thread(this::runCollector, "embedding-collector-" + model.modelId());
        this.collector.setDaemon(true);
        this.worker = new Thread(this::runWorker, "embedding-batcher-" + model.modelId());
        this.worker.setDaemon(true);
        this.collector.start();
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
        collector.interrupt();
        worker.interrupt();
        try {
            collector.join();
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
        try {
            while (!Thread.currentThread().isInterrupted()) {
                embedBatch(handoff.take());
            }
        } catch (InterruptedException e) {
            // close() stopped the thread after the current model call.
        }
    }

    private void runCollector() {
        List<Request> batch = new ArrayList<>(maxBatchSize);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                collectBatch(batch);
                handOff(batch);
                batch = new ArrayList<>(maxBatchSize);
            }
        } catch (InterruptedException e) {
            // close() stopped the collector. Requests of the batch being collected are
            // failed here, and queued ones by close().
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
                // Every request so far was already complete or failed, so start over.
                addIfPending(batch, queue.take());
                deadline = System.nanoTime() + maxBatchWaitNanos;
                continue;
            }
            addIfPending(batch, next);
        }
    }

    /**
     * Gives the batch to the model thread as soon as it is free. Until then, keeps adding requests
     * that arrive, up to a full batch.
     */
    private void handOff(List<Request> batch) throws InterruptedException {
        while (batch.size() < maxBatchSize) {
            if (handoff.offer(batch)) {
                return;
            }
            Request next = queue.poll(HANDOFF_POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (next != null) {
                addIfPending(batch, next);
            }
        }
        handoff.put(batch);
    }

    /** Adds the request, prepared, unless all its callers gave up or it fails to prepare. */
    private void addIfPending(List<Request> batch, Request request) {
        synchronized (submitLock) {
            boolean pending = false;
            for (CompletableFuture<float[]> caller : request.callers) {
                pending |= !caller.isDone();
            }
            if (!pending) {
                // Every caller gave up, so a later identical text must queue a request of its own.
                unfinished.remove(request.text, request);
                return;
            }
        }
        try {
            request.prepared = model.prepare(request.text);
        } catch (RuntimeException e) {
            fail(request, e);
            return;
        }
        batch.add(request);
    }

    private void embedBatch(List<Request> batch) {
        List<EmbeddingModel.PreparedText> batchTexts = new ArrayList<>(batch.size());
        for (Request request : batch) {
            batchTexts.add(request.prepared);
        }

        long start = System.nanoTime();
        float[][] vectors;
        try {
            vectors = model.embedPrepared(batchTexts);
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

    /** Ends the request, so that later identical texts queue anew, and returns its callers. */
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
        /** Written by the collector before the handoff, read by the model thread after it. */
        EmbeddingModel.PreparedText prepared;
        /** Guarded by {@link #submitLock}. */
        final List<CompletableFuture<float[]>> callers = new ArrayList<>(1);

        Request(String text, CompletableFuture<float[]> first) {
            this.text = text;
            this.callers.add(first);
        }
    }
}
