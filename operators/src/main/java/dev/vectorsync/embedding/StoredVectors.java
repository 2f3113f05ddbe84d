package dev.vectorsync.embedding;

import dev.vectorsync.event.EntityType;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;
import java.util.concurrent.CompletableFuture;

/**
 * A source of the vector a row already has, so that a write whose text did not change needs no
 * model call. The vector store (Milvus) serves this, because it keeps the hash of the text and the
 * model next to each vector.
 *
 * <p>Serializable, because it travels with the job graph. {@link #open()} runs on the TaskManager.
 */
@PublicEvolving
public interface StoredVectors extends Serializable {

    /** Opens a reader for one subtask, from {@code open()} of the embedding function. */
    Reader open();

    /** A thread-safe lookup of stored vectors. */
    interface Reader extends AutoCloseable {

        /**
         * Looks up the stored vector of the row {@code (type, id)}. The future completes with it
         * when the stored text hash, model and dimension equal the arguments, and with null when
         * the row is missing, differs, or the lookup failed (the reader logs failures). It never
         * completes exceptionally, so a caller calls the model on null.
         */
        CompletableFuture<float[]> find(EntityType type, long id, String textHash, String modelId, int dimension);

        /** Returns how many lookups the store has resolved so far, found or not. */
        long lookups();

        @Override
        void close();
    }
}
