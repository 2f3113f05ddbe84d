package dev.vectorsync.event;

/** Kind of database row that a change event describes; each kind has its own Milvus collection. */
public enum EntityType {
    /** A rental listing ("tin đăng"), keyed by the post id. */
    POST,
    /** A site user, keyed by the user id. */
    USER
}
