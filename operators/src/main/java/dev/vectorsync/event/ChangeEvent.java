package dev.vectorsync.event;

import java.io.Serializable;

/**
 * One decoded write to a post or a user, as read from a source. Exactly one of {@link #post} and
 * {@link #user} is set for insert, update and upsert; both are null for a delete and for an
 * invalid row ({@link #invalidReason} set).
 *
 * <p>Flink POJO: public fields and a no-argument constructor.
 */
public class ChangeEvent implements Serializable {

    private static final long serialVersionUID = 1L;

    public EntityType entityType;
    public long id;
    public ChangeOperation operation;
    public ChangeVersion version;
    public PostRecord post;
    public UserRecord user;
    /** Source of the event, for dead letters and logs: stream name, table name, ... */
    public String sourceName;
    /** Position in that source: the Redis entry id, a CDC log position, ... */
    public String sourcePosition;
    /** The payload as received, kept so that a later stage can dead-letter the original input. */
    public String sourcePayload;
    /**
     * Why the source row could not become a change event, or null for a valid event. Sources that
     * cannot emit dead letters themselves (CDC deserializers, JDBC extractors) set it, and the
     * next operator routes such events to dead letters before they reach any keyed state.
     */
    public String invalidReason;

    public ChangeEvent() {}

    /** Key of the row this event writes, used to partition the stream. */
    public String entityKey() {
        return EntityKeys.of(entityType, id);
    }

    @Override
    public String toString() {
        return operation + " " + entityKey() + " version " + version + " from " + sourceName + "/"
                + sourcePosition;
    }
}
