package dev.vectorsync.ordering;

import dev.vectorsync.action.SyncAction;
import dev.vectorsync.action.SyncActionType;
import dev.vectorsync.embedding.EmbeddingTexts;
import dev.vectorsync.event.ChangeEvent;
import dev.vectorsync.event.ChangeOperation;
import dev.vectorsync.event.ChangeVersion;
import dev.vectorsync.event.EntityType;

import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps, per row, only writes that are newer than every write already seen, and turns them into
 * {@link SyncAction}s. Must run on a stream keyed by {@link ChangeEvent#entityKey()}.
 *
 * <p>A delete leaves a tombstone holding its version for {@code tombstoneTtl}, so that an older
 * update that arrives late cannot bring the row back. Once the tombstone has expired such an update
 * is applied again, so the TTL must exceed the longest delay the sources can deliver an event
 * with. The version of a live row is kept without a TTL.
 *
 * <p>A post whose status is not in the publishable set becomes a delete; it is written again by
 * the next write that makes it publishable. This is an ordinary write, not a tombstone.
 *
 * <p>Per live row it also keeps the hash of the text of the last UPSERT it emitted. An UPSERT with
 * the same text hash, or a write other than an insert to a row it has no hash for (one written
 * before this state existed, by a backfill job, or unpublished since), gets {@link SyncAction#mayReuseStoredVector}, so that the embedding step
 * looks for the stored vector before calling the model. A delete clears the hash, since the row
 * then leaves Milvus.
 */
public class LatestWriteWinsFunction extends KeyedProcessFunction<String, ChangeEvent, SyncAction> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LatestWriteWinsFunction.class);

    private final Set<String> publishableStatuses;
    private final Duration tombstoneTtl;

    private transient ValueState<ChangeVersion> lastWrite;
    private transient ValueState<ChangeVersion> tombstone;
    private transient ValueState<String> lastTextHash;
    private transient Counter staleDropped;
    private transient Counter unpublishedDeletes;

    /**
     * @param publishableStatuses post statuses that are indexed; compared case-insensitively
     * @param tombstoneTtl how long a delete keeps older writes out
     */
    public LatestWriteWinsFunction(Set<String> publishableStatuses, Duration tombstoneTtl) {
        if (publishableStatuses == null || publishableStatuses.isEmpty()) {
            throw new IllegalArgumentException(
                    "publishableStatuses must name at least one status, for example approved");
        }
        if (tombstoneTtl == null || tombstoneTtl.isNegative() || tombstoneTtl.isZero()) {
            throw new IllegalArgumentException(
                    "tombstoneTtl must be a positive duration, was " + tombstoneTtl);
        }
        this.publishableStatuses = new HashSet<>();
        for (String status : publishableStatuses) {
            this.publishableStatuses.add(status.trim().toLowerCase(Locale.ROOT));
        }
        this.tombstoneTtl = tombstoneTtl;
    }

    @Override
    public void open(OpenContext openContext) {
        lastWrite =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "last-write", TypeInformation.of(ChangeVersion.class)));

        ValueStateDescriptor<ChangeVersion> tombstoneDescriptor =
                new ValueStateDescriptor<>("tombstone", TypeInformation.of(ChangeVersion.class));
        tombstoneDescriptor.enableTimeToLive(
                StateTtlConfig.newBuilder(tombstoneTtl)
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        .build());
        tombstone = getRuntimeContext().getState(tombstoneDescriptor);
        lastTextHash =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("last-text-hash", TypeInformation.of(String.class)));

        staleDropped = getRuntimeContext().getMetricGroup().counter("staleEventsDropped");
        unpublishedDeletes = getRuntimeContext().getMetricGroup().counter("unpublishedPostsDeleted");
    }

    @Override
    public void processElement(ChangeEvent event, Context context, Collector<SyncAction> out)
            throws Exception {
        ChangeVersion newest = newer(lastWrite.value(), tombstone.value());
        if (newest != null && !event.version.isNewerThan(newest)) {
            staleDropped.inc();
            LOG.debug(
                    "Dropped {} {}: version {} is not newer than {}",
                    event.operation,
                    event.entityKey(),
                    event.version,
                    newest);
            return;
        }

        if (event.operation.isDelete()) {
            lastWrite.clear();
            lastTextHash.clear();
            tombstone.update(event.version);
            out.collect(deleteAction(event));
            return;
        }

        lastWrite.update(event.version);
        tombstone.clear();
        if (event.entityType == EntityType.POST && !isPublishable(event.post.status)) {
            unpublishedDeletes.inc();
            lastTextHash.clear();
            out.collect(deleteAction(event));
            return;
        }
        SyncAction upsert = upsertAction(event);
        String previousHash = lastTextHash.value();
        upsert.mayReuseStoredVector =
                upsert.textHash.equals(previousHash)
                        || (previousHash == null && event.operation != ChangeOperation.INSERT);
        lastTextHash.update(upsert.textHash);
        out.collect(upsert);
    }

    private boolean isPublishable(String status) {
        return status != null && publishableStatuses.contains(status.toLowerCase(Locale.ROOT));
    }

    private static ChangeVersion newer(ChangeVersion a, ChangeVersion b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static SyncAction deleteAction(ChangeEvent event) {
        SyncAction action = baseAction(event);
        action.type = SyncActionType.DELETE;
        return action;
    }

    private static SyncAction upsertAction(ChangeEvent event) {
        SyncAction action = baseAction(event);
        action.type = SyncActionType.UPSERT;
        action.post = event.post;
        action.user = event.user;
        action.embeddingText =
                event.entityType == EntityType.POST
                        ? EmbeddingTexts.forPost(event.post)
                        : EmbeddingTexts.forUser(event.user);
        action.textHash = EmbeddingTexts.sha256Hex(action.embeddingText);
        return action;
    }

    private static SyncAction baseAction(ChangeEvent event) {
        SyncAction action = new SyncAction();
        action.entityType = event.entityType;
        action.id = event.id;
        action.version = event.version;
        action.sourceName = event.sourceName;
        action.sourcePosition = event.sourcePosition;
        action.sourcePayload = event.sourcePayload;
        return action;
    }
}
