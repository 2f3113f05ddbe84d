package dev.vectorsync.embedding;

import org.apache.flink.annotation.PublicEvolving;

import java.util.List;

/**
 * A text embedding model loaded in this JVM.
 *
 * <p>Implementations must allow {@link #embed} from several threads at once; {@link
 * EmbeddingBatcher} calls it from one worker thread per model. {@link #close()} must not race with
 * {@link #embed}: {@link SharedEmbeddingModels} closes a model only after its batcher stopped.
 */
@PublicEvolving
public interface EmbeddingModel extends AutoCloseable {

    /**
     * Embeds each text and returns one vector per text, in input order, each {@link #dimension()}
     * wide.
     *
     * @throws EmbeddingException when the batch fails; the message names the text index where one
     *     text is at fault
     */
    float[][] embed(List<String> texts);

    /** Width of the returned vectors, after any cut to a configured dimension. */
    int dimension();

    /** Model id stored with each vector, e.g. {@code bge-small-en-v1.5}. */
    String modelId();

    /** Returns the device the model runs on, for logs, e.g. {@code cpu} or {@code cuda:0}. */
    default String executionDevice() {
        return "cpu";
    }

    /** Releases the session and tokenizer. */
    @Override
    void close();
}
