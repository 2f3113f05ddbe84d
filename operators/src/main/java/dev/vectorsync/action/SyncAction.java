package dev.vectorsync.action;

import dev.vectorsync.event.ChangeVersion;
import dev.vectorsync.event.EntityKeys;
import dev.vectorsync.event.EntityType;
import dev.vectorsync.event.PostRecord;
import dev.vectorsync.event.UserRecord;

import java.io.Serializable;

/**
 * A write that Milvus must receive: the outcome of latest-write-wins for one row.
 *
 * <p>For an {@link SyncActionType#UPSERT} the record of its entity type is set, {@link
 * #embeddingText} is the normalised text the model embeds and {@link #textHash} its SHA-256 (hex);
 * the embedding step fills {@link #vector}, {@link #embeddingModel} and {@link
 * #embeddingDimension}. A {@link SyncActionType#DELETE} carries only the key and the version.
 *
 * <p>Flink POJO: public fields and a no-argument constructor.
 */
public class SyncAction implements Serializable {

    private static final long serialVersionUID = 1L;

    public EntityType entityType;
    public long id;
    public SyncActionType type;
    public ChangeVersion version;

    public PostRecord post;
    public UserRecord user;

    public String embeddingText;
    public String textHash;

    /**
     * Whether Milvus may already store the vector of this UPSERT's text. Latest-write-wins sets it
     * when the row had the same text before, or when it has no record of the row and the write is
     * not an insert. The embedding step then looks there before calling the model.
     */
    public boolean mayReuseStoredVector;
    public float[] vector;
    public String embeddingModel;
    public int embeddingDimension;

    /** Set by the embedding step when it gave up on this action; the reason for the dead letter. */
    public String failure;

    /** Source name, position and payload of the event behind this action, for dead letters. */
    public String sourceName;
    public String sourcePosition;
    public String sourcePayload;

    public SyncAction() {}

    public String entityKey() {
        return EntityKeys.of(entityType, id);
    }

    public boolean isUpsert() {
        return type == SyncActionType.UPSERT;
    }

    public boolean isFailed() {
        return failure != null;
    }

    @Override
    public String toString() {
        return type + " " + entityKey() + " version " + version;
    }
}
