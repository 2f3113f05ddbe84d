package dev.vectorsync.embedding;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;

/**
 * Creates the model of a config on the TaskManager. It is serialised with the Flink function that
 * uses it, so it must not capture a loaded model; {@code OnnxEmbeddingModel::load} is the default.
 */
@PublicEvolving
@FunctionalInterface
public interface EmbeddingModelFactory extends Serializable {

    /**
     * Loads the model described by {@code config}.
     *
     * @throws EmbeddingException when the files are missing or invalid
     */
    EmbeddingModel create(EmbeddingModelConfig config);
}
