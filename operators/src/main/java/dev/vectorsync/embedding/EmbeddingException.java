package dev.vectorsync.embedding;

import org.apache.flink.annotation.PublicEvolving;

/** Raised when a model fails to load or to embed a batch of texts. */
@PublicEvolving
public class EmbeddingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EmbeddingException(String message) {
        super(message);
    }

    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
