package dev.vectorsync.ordering;

import dev.vectorsync.event.ChangeEvent;
import dev.vectorsync.event.ChangeOperation;
import dev.vectorsync.event.ChangeVersion;
import dev.vectorsync.event.EntityType;
import dev.vectorsync.event.PostRecord;

/** Builds change events for ordering tests. */
final class ChangeEvents {

    private ChangeEvents() {}

    static ChangeEvent post(long id, ChangeOperation operation, long version, String status) {
        ChangeEvent event = new ChangeEvent();
        event.entityType = EntityType.POST;
        event.id = id;
        event.operation = operation;
        event.version = new ChangeVersion(version, 0, 0);
        event.sourceName = "post-sync";
        event.sourcePosition = version + "-0";
        if (!operation.isDelete()) {
            PostRecord post = new PostRecord();
            post.title = "Phòng trọ phiên bản " + version;
            post.status = status;
            post.price = version * 1_000_000L;
            event.post = post;
        }
        return event;
    }
}
