package dev.vectorsync.milvus;

/**
 * Fields present in both collections that record how a row was produced, so that reconciliation,
 * skipping unchanged text and re-embedding after a model change need no schema change.
 */
public final class BookkeepingFields {

    /** INT64: the {@code version} part of the change version that wrote the row. */
    public static final String SOURCE_VERSION = "source_version";
    /** VARCHAR: SHA-256 (64 hex characters) of the text the model embedded. */
    public static final String TEXT_HASH = "text_hash";
    /** VARCHAR: id of the embedding model, for example "bge-small-en-v1.5". */
    public static final String EMBEDDING_MODEL = "embedding_model";
    /** INT32: length of the stored dense vector. */
    public static final String EMBEDDING_DIMENSION = "embedding_dim";

    public static final int TEXT_HASH_MAX_BYTES = 64;
    public static final int EMBEDDING_MODEL_MAX_BYTES = 256;

    private BookkeepingFields() {}
}
