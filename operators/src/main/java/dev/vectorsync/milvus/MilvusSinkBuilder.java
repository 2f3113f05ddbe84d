package dev.vectorsync.milvus;

import org.apache.flink.annotation.PublicEvolving;

import java.time.Duration;

/**
 * Builder of {@link MilvusSink}. Required: {@link #connectionConfig} and {@link #vectorDimension}.
 * Defaults: collections {@code posts_hybrid} and {@code users}, at most 500 buffered actions, a
 * max buffer delay of 20 ms, and the schema check enabled.
 */
@PublicEvolving
public final class MilvusSinkBuilder {

    private MilvusConnectionConfig connectionConfig;
    private String postsCollection = CollectionSchemas.DEFAULT_POSTS_COLLECTION;
    private String usersCollection = CollectionSchemas.DEFAULT_USERS_COLLECTION;
    private int vectorDimension;
    private int maxBufferedActions = 500;
    private Duration maxBufferDelay = Duration.ofMillis(20);
    private boolean schemaCheckEnabled = true;

    MilvusSinkBuilder() {}

    /** Server, credentials, timeouts and retry settings. Required. */
    public MilvusSinkBuilder connectionConfig(MilvusConnectionConfig connectionConfig) {
        this.connectionConfig = connectionConfig;
        return this;
    }

    /** Collection of post rows. */
    public MilvusSinkBuilder postsCollection(String postsCollection) {
        this.postsCollection = postsCollection;
        return this;
    }

    /** Collection of user rows. */
    public MilvusSinkBuilder usersCollection(String usersCollection) {
        this.usersCollection = usersCollection;
        return this;
    }

    /** Length of the dense vectors in both collections, the embedding model's output size. */
    public MilvusSinkBuilder vectorDimension(int vectorDimension) {
        this.vectorDimension = vectorDimension;
        return this;
    }

    /**
     * Buffered actions (distinct primary keys, both collections together) at which a writer
     * flushes. Larger batches mean fewer but bigger requests, so this value times the row size must
     * stay below the server's gRPC message size limit.
     */
    public MilvusSinkBuilder maxBufferedActions(int maxBufferedActions) {
        this.maxBufferedActions = maxBufferedActions;
        return this;
    }

    /** Maximum time an action waits in the buffer before a flush, which bounds the added latency. */
    public MilvusSinkBuilder maxBufferDelay(Duration maxBufferDelay) {
        this.maxBufferDelay = maxBufferDelay;
        return this;
    }

    /**
     * Sets whether each writer runs {@link MilvusSchemaManager} when it opens: creates missing
     * collections and indexes, loads them, and fails on a schema mismatch. Disable it when the job
     * runs the schema manager itself before building the pipeline.
     */
    public MilvusSinkBuilder schemaCheckEnabled(boolean schemaCheckEnabled) {
        this.schemaCheckEnabled = schemaCheckEnabled;
        return this;
    }

    /** Validates the settings and builds the sink. */
    public MilvusSink build() {
        if (connectionConfig == null) {
            throw new IllegalArgumentException(
                    "connectionConfig is missing; build one with MilvusConnectionConfig.builder()");
        }
        requireName("postsCollection", postsCollection);
        requireName("usersCollection", usersCollection);
        if (postsCollection.equals(usersCollection)) {
            throw new IllegalArgumentException(
                    "postsCollection and usersCollection are both '"
                            + postsCollection
                            + "'; posts and users need collections of their own");
        }
        if (vectorDimension <= 0) {
            throw new IllegalArgumentException(
                    "vectorDimension must be positive but is "
                            + vectorDimension
                            + "; set the embedding model's output size");
        }
        if (maxBufferedActions < 1) {
            throw new IllegalArgumentException(
                    "maxBufferedActions must be at least 1 but is " + maxBufferedActions);
        }
        if (maxBufferDelay == null || maxBufferDelay.isNegative() || maxBufferDelay.isZero()) {
            throw new IllegalArgumentException(
                    "maxBufferDelay must be a positive duration but is " + maxBufferDelay);
        }
        return new MilvusSink(
                connectionConfig,
                postsCollection,
                usersCollection,
                vectorDimension,
                maxBufferedActions,
                maxBufferDelay,
                schemaCheckEnabled);
    }

    private static void requireName(String setting, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(setting + " is missing or blank");
        }
    }
}
