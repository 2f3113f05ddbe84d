package dev.vectorsync.action;

/** Kind of write the Milvus sink makes for the row of a {@link SyncAction}. */
public enum SyncActionType {
    /** Write the whole row, replacing any row with the same primary key. */
    UPSERT,
    /** Remove the row with this primary key; removing a missing row is not an error. */
    DELETE
}
