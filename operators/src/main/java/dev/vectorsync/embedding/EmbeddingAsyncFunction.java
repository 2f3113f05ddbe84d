package dev.vectorsync.embedding;

import dev.vectorsync.action.SyncAction;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fills {@code vector}, {@code embeddingModel} and {@code embeddingDimension} of each UPSERT action
 * with the embedding of its {@code embeddingText}; DELETE actions pass through unchanged.
 *
 * <p>Use it with {@code AsyncDataStream.unorderedWait(stream, new EmbeddingAsyncFunction(config),
 * timeout, unit, capacity)}, with a timeout above {@link EmbeddingModelConfig#maxRetryDuration()}.
 * All subtasks of a TaskManager share one model and one batcher ({@link SharedEmbeddingModels}).
 *
 * <p>Each attempt may take {@code requestTimeout}; a failed or timed-out attempt is retried after
 * an exponential backoff on a scheduler thread, never on the task thread, up to {@code
 * retryMaxAttempts}. When the attempts run out, or Flink's async timeout fires first, the action is
 * emitted with {@code failure} set to a reason naming the entity key, the attempts and the cause,
 * for the dead-letter stream. This function never completes a result exceptionally, so embedding
 * failures do not fail the job.
 *
 * <p>An UPSERT with an empty text is embedded like any other (see {@link OnnxEmbeddingModel}), so
 * its row still reaches Milvus. One without any text (null) fails at once without an attempt.
 *
 * <p>Unchanged text is not embedded again. An UPSERT whose text hash equals the one of the vector
 * this subtask last produced for the row (kept for the {@code recentVectors} most recent rows)
 * reuses that vector. Otherwise, when {@link SyncAction#mayReuseStoredVector} is set and a {@link
 * StoredVectors} is configured, the vector stored with the same text hash, model and dimension is
 * reused. Only then is the model called, and identical texts waiting for the model share one call
 * ({@link EmbeddingBatcher}). A reused vector is always the model's output for the same text, so
 * the row written is the same as with a model call.
 *
 * <p>Metrics, in the group {@code embedding} of the operator: counters {@code embeddedActions}
 * (vectors from the model), {@code reusedVectors} (from memory or the store), {@code
 * storedVectorLookups}, {@code retriedAttempts}, {@code failedActions} and {@code timedOutActions}
 * (failed by Flink's timeout, also counted as failed), and gauges {@code inFlightActions} and
 * {@code recentVectors} for this subtask and {@code batcherQueueSize}, {@code lastBatchSize},
 * {@code lastBatchModelMillis} and {@code joinedTexts} for the shared model.
 */
@PublicEvolving
public class EmbeddingAsyncFunction extends RichAsyncFunction<SyncAction, SyncAction> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingAsyncFunction.class);

    /** Per subtask and kind of line: at most one retry and one give-up line per interval. */
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

    /** Rows whose last vector a subtask keeps in memory by default; about 1.5 MB per 1,000 at 384 floats. */
    public static final int DEFAULT_RECENT_VECTORS = 10_000;

    private final EmbeddingModelConfig config;
    private final EmbeddingModelFactory modelFactory;
    private final StoredVectors storedVectors;
    private final int recentVectorCapacity;

    /** Set when {@link #close()} starts; failures after that are shutdown, not model errors. */
    private transient volatile boolean closing;

    private transient SharedEmbeddingModels.Lease lease;
    private transient ScheduledExecutorService retryScheduler;
    private transient TypeSerializer<SyncAction> actionSerializer;
    private transient Map<ResultFuture<SyncAction>, Embedding> inFlight;
    private transient LogThrottle retryLogThrottle;
    private transient LogThrottle giveUpLogThrottle;
    private transient RecentVectors recentVectors;
    private transient StoredVectors.Reader storedVectorReader;

    private transient Counter embeddedActions;
    private transient Counter reusedVectors;
    private transient Counter storedVectorLookups;
    private transient Counter retriedAttempts;
    private transient Counter failedActions;
    private transient Counter timedOutActions;

    /**
     * Creates the function for the ONNX model described by {@code config}, keeping the last vector
     * of {@link #DEFAULT_RECENT_VECTORS} rows and looking up no stored vectors.
     */
    public EmbeddingAsyncFunction(EmbeddingModelConfig config) {
        this(config, null, DEFAULT_RECENT_VECTORS);
    }

    /**
     * Creates the function for the ONNX model described by {@code config}.
     *
     * @param storedVectors where to look for the vector of an unchanged text before calling the
     *     model, or null for nowhere
     * @param recentVectors rows per subtask whose last vector is kept in memory, 0 for none
     */
    public EmbeddingAsyncFunction(
            EmbeddingModelConfig config, StoredVectors storedVectors, int recentVectors) {
        this(config, OnnxEmbeddingModel::load, storedVectors, recentVectors);
    }

    @VisibleForTesting
    EmbeddingAsyncFunction(EmbeddingModelConfig config, EmbeddingModelFactory modelFactory) {
        this(config, modelFactory, null, DEFAULT_RECENT_VECTORS);
    }

    @VisibleForTesting
    EmbeddingAsyncFunction(
            EmbeddingModelConfig config,
            EmbeddingModelFactory modelFactory,
            StoredVectors storedVectors,
            int recentVectors) {
        if (recentVectors < 0) {
            throw new IllegalArgumentException("recentVectors must be 0 or more, was " + recentVectors);
        }
        this.config = config;
        this.modelFactory = modelFactory;
        this.storedVectors = storedVectors;
        this.recentVectorCapacity = recentVectors;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        retryScheduler =
                Executors.newSingleThreadScheduledExecutor(
                        runnable -> {
                            Thread thread = new Thread(runnable, "embedding-retry-" + subtask);
                            thread.setDaemon(true);
                            return thread;
                        });
        actionSerializer =
                getRuntimeContext().createSerializer(TypeInformation.of(SyncAction.class));
        inFlight = new ConcurrentHashMap<>();
        retryLogThrottle = new LogThrottle(LOG_INTERVAL);
        giveUpLogThrottle = new LogThrottle(LOG_INTERVAL);
        recentVectors = new RecentVectors(recentVectorCapacity);

        lease = SharedEmbeddingModels.acquire(config, modelFactory);
        if (storedVectors != null) {
            storedVectorReader = storedVectors.open();
        }
        registerMetrics(getRuntimeContext().getMetricGroup().addGroup("embedding"));
    }

    private void registerMetrics(MetricGroup group) {
        embeddedActions = group.counter("embeddedActions");
        reusedVectors = group.counter("reusedVectors");
        storedVectorLookups = group.counter("storedVectorLookups");
        retriedAttempts = group.counter("retriedAttempts");
        failedActions = group.counter("failedActions");
        timedOutActions = group.counter("timedOutActions");

        EmbeddingBatcher batcher = lease.batcher();
        group.gauge("inFlightActions", () -> inFlight.size());
        group.gauge("recentVectors", recentVectors::size);
        group.gauge("joinedTexts", batcher::joinedCount);
        group.gauge("batcherQueueSize", batcher::queueSize);
        group.gauge("lastBatchSize", batcher::lastBatchSize);
        group.gauge("lastBatchModelMillis", () -> batcher.lastModelNanos() / 1_000_000);
    }

    @Override
    public void close() throws Exception {
        closing = true;
        // Stop retries first: once the shared batcher closes, pending attempts fail, and their
        // retries must not be scheduled any more.
        if (retryScheduler != null) {
            retryScheduler.shutdownNow();
        }
        if (storedVectorReader != null) {
            storedVectorReader.close();
            storedVectorReader = null;
        }
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }

    /** Called on the task thread; starts the first attempt and returns without waiting. */
    @Override
    public void asyncInvoke(SyncAction input, ResultFuture<SyncAction> resultFuture) {
        if (!input.isUpsert()) {
            resultFuture.complete(Collections.singleton(input));
            return;
        }

        // A copy, because Flink may serialise the input for a checkpoint while another thread
        // would otherwise be writing the vector into it.
        SyncAction action = actionSerializer.copy(input);
        if (action.embeddingText == null) {
            failedActions.inc();
            action.failure =
                    "UPSERT of "
                            + action.entityKey()
                            + " has no embeddingText, so nothing was"
                            + " embedded; the step that builds actions must set it";
            logGiveUp(action, null);
            resultFuture.complete(Collections.singleton(action));
            return;
        }

        Embedding embedding = new Embedding(action, resultFuture);
        float[] recent = recentVectors.get(action.entityKey(), action.textHash);
        if (recent != null) {
            reuse(embedding, recent);
            return;
        }
        inFlight.put(resultFuture, embedding);
        if (storedVectorReader == null || !action.mayReuseStoredVector || action.textHash == null) {
            startAttempt(embedding);
            return;
        }
        storedVectorLookups.inc();
        storedVectorReader
                .find(action.entityType, action.id, action.textHash, config.modelId(), lease.model().dimension())
                .whenComplete(
                        (stored, error) -> {
                            // No stored vector, or a failed lookup, means the model must run.
                            if (stored != null) {
                                reuse(embedding, stored);
                            } else {
                                startAttempt(embedding);
                            }
                        });
    }

    /** Completes with a vector the model made earlier for the same text; no model call. */
    private void reuse(Embedding embedding, float[] vector) {
        if (!embedding.finish()) {
            return;
        }
        SyncAction action = embedding.action;
        action.vector = vector;
        action.embeddingModel = config.modelId();
        action.embeddingDimension = vector.length;
        recentVectors.put(action.entityKey(), action.textHash, vector);
        reusedVectors.inc();
        embedding.resultFuture.complete(Collections.singleton(action));
    }

    /**
     * Called by Flink's timer when the async timeout passes; emits the action as failed. An attempt
     * still running finds the embedding finished and drops its result.
     */
    @Override
    public void timeout(SyncAction input, ResultFuture<SyncAction> resultFuture) {
        Embedding embedding = inFlight.get(resultFuture);
        SyncAction action = embedding != null ? embedding.action : actionSerializer.copy(input);
        int attempt = embedding != null ? embedding.attempt : 0;
        Throwable lastError = embedding != null ? embedding.lastError : null;
        if (embedding != null && !embedding.finish()) {
            return;
        }

        timedOutActions.inc();
        failedActions.inc();
        action.failure =
                "embedding of "
                        + action.entityKey()
                        + " with model "
                        + config.modelId()
                        + " timed out (Flink async timeout) during attempt "
                        + attempt
                        + " of "
                        + config.retryMaxAttempts()
                        + (lastError == null ? "" : "; last error: " + describe(lastError));
        logGiveUp(action, lastError);
        resultFuture.complete(Collections.singleton(action));
    }

    private void startAttempt(Embedding embedding) {
        if (embedding.finished.get()) {
            return;
        }
        embedding.attempt++;
        lease.batcher()
                .submit(embedding.action.embeddingText)
                .orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((vector, error) -> onAttemptDone(embedding, vector, error));
    }

    /**
     * Called on the batcher's worker thread, the timeout thread, or the caller when done at once.
     */
    private void onAttemptDone(Embedding embedding, float[] vector, Throwable error) {
        if (embedding.finished.get()) {
            // Flink's timeout already emitted this action; a late result or retry is not needed.
            return;
        }
        if (closing && error != null) {
            // The task is shutting down (cancel, failover or stop-with-savepoint): the action is
            // still in the operator's state or will be replayed, so it must not become a dead
            // letter now.
            return;
        }
        if (error == null) {
            complete(embedding, vector);
            return;
        }

        Throwable cause =
                error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
        embedding.lastError = cause;
        if (embedding.attempt >= config.retryMaxAttempts()) {
            giveUp(embedding, cause);
            return;
        }

        Duration backoff = config.backoffAfter(embedding.attempt);
        retriedAttempts.inc();
        logRetry(embedding, cause, backoff);
        try {
            retryScheduler.schedule(
                    () -> startAttempt(embedding), backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            giveUp(embedding, cause);
        }
    }

    private void complete(Embedding embedding, float[] vector) {
        if (!embedding.finish()) {
            return;
        }
        SyncAction action = embedding.action;
        action.vector = vector;
        action.embeddingModel = config.modelId();
        action.embeddingDimension = vector.length;
        recentVectors.put(action.entityKey(), action.textHash, vector);
        embeddedActions.inc();
        embedding.resultFuture.complete(Collections.singleton(action));
    }

    private void giveUp(Embedding embedding, Throwable cause) {
        if (!embedding.finish()) {
            return;
        }
        SyncAction action = embedding.action;
        action.failure =
                "embedding of "
                        + action.entityKey()
                        + " with model "
                        + config.modelId()
                        + " failed after "
                        + embedding.attempt
                        + " of "
                        + config.retryMaxAttempts()
                        + " attempts: "
                        + describe(cause);
        failedActions.inc();
        logGiveUp(action, cause);
        embedding.resultFuture.complete(Collections.singleton(action));
    }

    private String describe(Throwable error) {
        if (error instanceof TimeoutException) {
            return "attempt timed out after " + config.requestTimeout();
        }
        return error.getClass().getSimpleName() + ": " + error.getMessage();
    }

    private void logRetry(Embedding embedding, Throwable cause, Duration backoff) {
        long suppressed = retryLogThrottle.tryAcquire();
        if (suppressed < 0) {
            return;
        }
        LOG.warn(
                "Embedding attempt {} of {} for {} failed, retrying in {} ms ({} similar lines"
                        + " suppressed): {}",
                embedding.attempt,
                config.retryMaxAttempts(),
                embedding.action.entityKey(),
                backoff.toMillis(),
                suppressed,
                describe(cause));
    }

    /**
     * Logs a give-up at WARN, not ERROR: the action is not lost, because it goes on with its
     * failure reason to the dead-letter stream, and failedActions counts every one.
     */
    private void logGiveUp(SyncAction action, Throwable cause) {
        long suppressed = giveUpLogThrottle.tryAcquire();
        if (suppressed < 0) {
            return;
        }
        LOG.warn(
                "Sending {} to the dead letters ({} similar lines suppressed): {}",
                action.entityKey(),
                suppressed,
                action.failure,
                cause);
    }

    /** One UPSERT being embedded; its attempts run one after another, never concurrently. */
    private final class Embedding {
        final SyncAction action;
        final ResultFuture<SyncAction> resultFuture;
        final AtomicBoolean finished = new AtomicBoolean();

        /** Attempts started so far; written before each attempt, read by {@link #timeout}. */
        volatile int attempt;

        volatile Throwable lastError;

        Embedding(SyncAction action, ResultFuture<SyncAction> resultFuture) {
            this.action = action;
            this.resultFuture = resultFuture;
        }

        /** Marks the embedding finished; returns false when it already was. */
        boolean finish() {
            if (!finished.compareAndSet(false, true)) {
                return false;
            }
            inFlight.remove(resultFuture);
            return true;
        }
    }
}
