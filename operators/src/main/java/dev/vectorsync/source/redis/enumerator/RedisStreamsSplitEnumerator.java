package dev.vectorsync.source.redis.enumerator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;

import dev.vectorsync.redis.StreamEntryIds;
import dev.vectorsync.source.redis.RedisStreamsSourceConfig;
import dev.vectorsync.source.redis.split.RedisStreamSplit;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.StreamEntry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Creates one split per stream and assigns each to a fixed reader: the stream name's hash modulo
 * the source parallelism, so a stream keeps its reader (and Redis consumer name) across restarts.
 *
 * <p>In bounded mode it reads, at the first start, the id of the last entry of each stream and
 * stores it in the split as the stop id; an empty stream gets the stop id {@code 0-0} and
 * finishes at once. After all of a reader's splits are assigned it signals that no more splits
 * follow. In unbounded mode it never signals this, so readers without a stream stay idle.
 *
 * <p>Threading: Flink calls every method on the single source coordinator thread, so the fields
 * need no synchronization. The bounded-mode look-up in {@link #start()} blocks that thread for at
 * most one Redis round trip per stream, bounded by the connection's timeouts.
 */
@Internal
public final class RedisStreamsSplitEnumerator
        implements SplitEnumerator<RedisStreamSplit, RedisStreamsEnumState> {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamsSplitEnumerator.class);

    private final SplitEnumeratorContext<RedisStreamSplit> context;
    private final RedisStreamsSourceConfig config;
    private final List<RedisStreamSplit> unassignedSplits;
    private boolean splitsCreated;

    public RedisStreamsSplitEnumerator(
            SplitEnumeratorContext<RedisStreamSplit> context,
            RedisStreamsSourceConfig config,
            @Nullable RedisStreamsEnumState restoredState) {
        this.context = context;
        this.config = config;
        this.unassignedSplits = new ArrayList<>();
        if (restoredState != null) {
            this.unassignedSplits.addAll(restoredState.getUnassignedSplits());
            this.splitsCreated = restoredState.isSplitsCreated();
        }
    }

    /** Creates the splits on the first start, then assigns those whose reader is registered. */
    @Override
    public void start() {
        if (!splitsCreated) {
            unassignedSplits.addAll(createSplits());
            splitsCreated = true;
            LOG.info(
                    "Created splits for Redis streams {} of group {}: {}",
                    config.getStreams(),
                    config.getGroupName(),
                    unassignedSplits);
        }
        assignPendingSplits();
        if (config.isBounded()) {
            context.registeredReaders().keySet().forEach(context::signalNoMoreSplits);
        }
    }

    /** Readers never request splits: the enumerator pushes them when a reader registers. */
    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {}

    /**
     * Takes back the splits of a failed reader; they are assigned again when the reader registers
     * after its restart.
     */
    @Override
    public void addSplitsBack(List<RedisStreamSplit> splits, int subtaskId) {
        LOG.info("Reader {} returned splits {}", subtaskId, splits);
        unassignedSplits.addAll(splits);
        assignPendingSplits();
    }

    /** Assigns the new reader its streams; in bounded mode it also signals that none follow. */
    @Override
    public void addReader(int subtaskId) {
        assignPendingSplits();
        if (config.isBounded() && splitsCreated) {
            context.signalNoMoreSplits(subtaskId);
        }
    }

    @Override
    public RedisStreamsEnumState snapshotState(long checkpointId) {
        return new RedisStreamsEnumState(unassignedSplits, splitsCreated);
    }

    @Override
    public void close() {}

    /** Returns the subtask that reads {@code stream} for the given source parallelism. */
    @VisibleForTesting
    static int ownerOf(String stream, int parallelism) {
        return Math.floorMod(stream.hashCode(), parallelism);
    }

    private List<RedisStreamSplit> createSplits() {
        if (!config.isBounded()) {
            List<RedisStreamSplit> splits = new ArrayList<>();
            for (String stream : config.getStreams()) {
                splits.add(new RedisStreamSplit(stream, null, null));
            }
            return splits;
        }
        try (Jedis jedis = config.getConnection().openConnection()) {
            List<RedisStreamSplit> splits = new ArrayList<>();
            for (String stream : config.getStreams()) {
                splits.add(new RedisStreamSplit(stream, null, lastEntryId(jedis, stream)));
            }
            return splits;
        }
    }

    private static String lastEntryId(Jedis jedis, String stream) {
        List<StreamEntry> last = jedis.xrevrange(stream, "+", "-", 1);
        return last.isEmpty() ? StreamEntryIds.MINIMUM : last.get(0).getID().toString();
    }

    private void assignPendingSplits() {
        int parallelism = context.currentParallelism();
        Map<Integer, List<RedisStreamSplit>> assignment = new HashMap<>();
        Iterator<RedisStreamSplit> pending = unassignedSplits.iterator();
        while (pending.hasNext()) {
            RedisStreamSplit split = pending.next();
            int owner = ownerOf(split.getStream(), parallelism);
            if (context.registeredReaders().containsKey(owner)) {
                assignment.computeIfAbsent(owner, key -> new ArrayList<>()).add(split);
                pending.remove();
            }
        }
        if (assignment.isEmpty()) {
            return;
        }
        LOG.info("Assigning Redis stream splits to readers: {}", assignment);
        context.assignSplits(new SplitsAssignment<>(assignment));
    }
}
