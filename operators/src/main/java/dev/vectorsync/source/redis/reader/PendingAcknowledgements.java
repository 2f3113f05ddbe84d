package dev.vectorsync.source.redis.reader;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Ids of emitted entries that wait for a completed checkpoint before they may be acknowledged.
 *
 * <p>The record emitter adds each emitted id; {@link #snapshot(long)} files the ids emitted since
 * the previous snapshot under the checkpoint id; {@link #takeUpTo(long)} removes and returns the
 * ids of all checkpoints up to a completed one. Used only on the task thread, so it is not
 * synchronized.
 *
 * <p>NOTE: without checkpointing nothing is ever taken, so the ids of all emitted entries stay in
 * memory. The source requires checkpointing for this reason.
 */
@Internal
public final class PendingAcknowledgements {

    private Map<String, List<String>> sinceLastSnapshot = new HashMap<>();
    private final NavigableMap<Long, Map<String, List<String>>> byCheckpoint = new TreeMap<>();

    /** Records an emitted entry. */
    public void add(String stream, String entryId) {
        sinceLastSnapshot.computeIfAbsent(stream, key -> new ArrayList<>()).add(entryId);
    }

    /** Files the ids emitted since the previous snapshot under {@code checkpointId}. */
    public void snapshot(long checkpointId) {
        if (sinceLastSnapshot.isEmpty()) {
            return;
        }
        merge(byCheckpoint.computeIfAbsent(checkpointId, key -> new HashMap<>()), sinceLastSnapshot);
        sinceLastSnapshot = new HashMap<>();
    }

    /**
     * Removes and returns, per stream, the ids filed under checkpoints up to and including {@code
     * checkpointId}. A completed checkpoint subsumes the earlier ones, including aborted ones.
     */
    public Map<String, List<String>> takeUpTo(long checkpointId) {
        NavigableMap<Long, Map<String, List<String>>> covered =
                byCheckpoint.headMap(checkpointId, true);
        Map<String, List<String>> result = new HashMap<>();
        covered.values().forEach(idsByStream -> merge(result, idsByStream));
        covered.clear();
        return result;
    }

    /**
     * Files ids whose acknowledgement failed under {@code checkpointId} again, so that the next
     * completed checkpoint retries them.
     */
    public void putBack(long checkpointId, String stream, List<String> entryIds) {
        byCheckpoint
                .computeIfAbsent(checkpointId, key -> new HashMap<>())
                .computeIfAbsent(stream, key -> new ArrayList<>())
                .addAll(entryIds);
    }

    /** Number of checkpoints whose ids wait for acknowledgement. */
    public int pendingCheckpoints() {
        return byCheckpoint.size();
    }

    private static void merge(Map<String, List<String>> target, Map<String, List<String>> source) {
        source.forEach(
                (stream, ids) ->
                        target.computeIfAbsent(stream, key -> new ArrayList<>()).addAll(ids));
    }
}
