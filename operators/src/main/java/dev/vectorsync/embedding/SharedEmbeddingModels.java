package dev.vectorsync.embedding;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Shares one loaded model and its {@link EmbeddingBatcher} between all subtasks of a TaskManager
 * that use the same {@link EmbeddingModelConfig}, so that the weights are in memory once and
 * requests of all subtasks are batched together.
 *
 * <p>The first {@link #acquire} of a config loads the model; each acquire returns a {@link Lease}
 * that counts as one reference, and closing the last lease stops the batcher and closes the model.
 * A later acquire loads it again.
 *
 * <p>The registry is a static field, so it is shared per class loader: per job on a TaskManager
 * when this class comes with the job jar, or across jobs when it is in Flink's {@code lib/}.
 *
 * <p>NOTE: ONNX Runtime and DJL load their native libraries once per JVM. A second job on the same
 * TaskManager that ships these jars in its own class loader may fail to load them; put them in
 * {@code lib/} when a session cluster runs several such jobs.
 *
 * <p>All methods are thread-safe. Loading and closing hold one lock, so an acquire waits while
 * another config is loading; loading happens once per TaskManager and config.
 */
@Internal
public final class SharedEmbeddingModels {

    private static final Logger LOG = LoggerFactory.getLogger(SharedEmbeddingModels.class);

    private static final Object LOCK = new Object();

    /** Guarded by {@link #LOCK}. */
    private static final Map<EmbeddingModelConfig, Entry> ENTRIES = new HashMap<>();

    private SharedEmbeddingModels() {}

    /**
     * Returns a lease on the model of {@code config}, loading it with {@code factory} on first use.
     * When the model is already loaded, {@code factory} is ignored: one config maps to one model.
     *
     * @throws EmbeddingException when loading fails; nothing is registered then, so the next
     *     acquire tries again
     */
    public static Lease acquire(EmbeddingModelConfig config, EmbeddingModelFactory factory) {
        synchronized (LOCK) {
            Entry entry = ENTRIES.get(config);
            if (entry == null) {
                entry = load(config, factory);
                ENTRIES.put(config, entry);
            }
            entry.references++;
            return new Lease(config, entry);
        }
    }

    /** Number of leases on the model of {@code config}; 0 when it is not loaded. */
    @VisibleForTesting
    static int references(EmbeddingModelConfig config) {
        synchronized (LOCK) {
            Entry entry = ENTRIES.get(config);
            return entry == null ? 0 : entry.references;
        }
    }

    private static Entry load(EmbeddingModelConfig config, EmbeddingModelFactory factory) {
        long start = System.nanoTime();
        EmbeddingModel model = factory.create(config);
        EmbeddingBatcher batcher =
                new EmbeddingBatcher(
                        model,
                        config.maxBatchSize(),
                        config.maxBatchWait(),
                        (size, modelNanos, failed) -> {});
        LOG.info(
                "Loaded embedding model {} in {} ms on {}, dimension {}, shared by the subtasks of"
                        + " this TaskManager ({})",
                model.modelId(),
                (System.nanoTime() - start) / 1_000_000,
                model.executionDevice(),
                model.dimension(),
                config);
        return new Entry(model, batcher);
    }

    private static void release(EmbeddingModelConfig config, Entry entry) {
        synchronized (LOCK) {
            entry.references--;
            if (entry.references > 0) {
                return;
            }
            ENTRIES.remove(config);
            // The batcher first, so that no model call runs while the model closes.
            entry.batcher.close();
            entry.model.close();
            LOG.info(
                    "Closed embedding model {} after its last subtask released it; it embedded {}"
                            + " texts in {} model calls",
                    entry.model.modelId(),
                    entry.batcher.textCount(),
                    entry.batcher.batchCount());
        }
    }

    /**
     * One reference to a shared model. Closing it releases the reference; closing twice is
     * harmless. Not for use after close.
     */
    public static final class Lease implements AutoCloseable {

        private final EmbeddingModelConfig config;
        private final Entry entry;
        private boolean released;

        private Lease(EmbeddingModelConfig config, Entry entry) {
            this.config = config;
            this.entry = entry;
        }

        public EmbeddingModel model() {
            return entry.model;
        }

        /** Returns the batcher shared by all leases on this model. */
        public EmbeddingBatcher batcher() {
            return entry.batcher;
        }

        @Override
        public void close() {
            synchronized (LOCK) {
                if (released) {
                    return;
                }
                released = true;
                release(config, entry);
            }
        }
    }

    private static final class Entry {
        final EmbeddingModel model;
        final EmbeddingBatcher batcher;
        int references;

        Entry(EmbeddingModel model, EmbeddingBatcher batcher) {
            this.model = model;
            this.batcher = batcher;
        }
    }
}
