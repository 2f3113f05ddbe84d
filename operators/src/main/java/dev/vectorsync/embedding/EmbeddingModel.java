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

    /**
     * Prepares one text without calling the model (tokenises it, for example), so that {@link
     * EmbeddingBatcher} can do this on another thread while the model runs. The default prepares
     * nothing.
     *
     * @throws EmbeddingException when the text cannot be prepared, which fails only this text
     */
    default PreparedText prepare(String text) {
        return new PreparedText(text);
    }

    /**
     * Embeds texts made by {@link #prepare} of this model; the same result as {@link
     * #embed(List)} of their texts.
     */
    default float[][] embedPrepared(List<PreparedText> texts) {
        List<String> plain = new java.util.ArrayList<>(texts.size());
        for (PreparedText text : texts) {
            plain.add(text.text());
        }
        return embed(plain);
    }

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

    /** A text and whatever {@link #prepare} computed for the model. */
    class PreparedText {
        private final String text;

        public PreparedText(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }
}
