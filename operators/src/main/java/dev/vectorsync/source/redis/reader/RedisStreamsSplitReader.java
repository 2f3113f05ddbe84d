package dev.vectorsync.source.redis.reader;

import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;

import dev.vectorsync.redis.ReconnectBackoff;
import dev.vectorsync.redis.RedisErrors;
import dev.vectorsync.redis.StreamEntryIds;
import dev.vectorsync.source.redis.RedisStreamEntry;
import dev.vectorsync.source.redis.RedisStreamsSourceConfig;
import dev.vectorsync.source.redis.RedisStreamsStartPosition;
import dev.vectorsync.source.redis.split.RedisStreamSplit;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;
import redis.clients.jedis.resps.StreamPendingEntry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads all streams assigned to one source reader through the consumer group, with one
 * XREADGROUP call per fetch.
 *
 * <p>Before the first read of a split it positions the group: a split with a checkpointed
 * position moves the group to that id (XGROUP CREATE ... MKSTREAM, or XGROUP SETID if the group
 * exists) and acknowledges the entries still pending up to it, because the restored checkpoint
 * covered them. A split without a position resumes from the group, just before its oldest pending
 * entry if there is one, else after its last delivered entry. A missing group is created at the
 * configured start position.
 *
 * <p>When the connection fails it reconnects with exponential backoff, and it fails the fetch with
 * an {@link IOException} once the reconnect deadline has passed. If the group has disappeared
 * (NOGROUP, for example after a Redis restart without persistence) it recreates the group at the
 * id of the last entry it fetched.
 *
 * <p>Threading: Flink calls {@link #fetch()}, {@link #handleSplitsChanges} and {@link #close()} on
 * the single fetcher thread; {@link #wakeUp()} may come from any thread and only cuts short a
 * backoff wait. XREADGROUP blocks for at most the configured block time, so a fetch returns
 * quickly without being woken up.
 */
@Internal
public final class RedisStreamsSplitReader implements SplitReader<RedisStreamEntry, RedisStreamSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamsSplitReader.class);

    private final RedisStreamsSourceConfig config;
    private final String consumerName;
    private final RedisStreamsSourceReaderMetrics metrics;
    private final ReconnectBackoff backoff;
    private final XReadGroupParams readParams;

    /** Splits being read, by stream name, in the order they were added. */
    private final Map<String, StreamProgress> streams = new LinkedHashMap<>();
    /** Splits that finished but were not yet reported to the fetcher. */
    private final Set<String> finishedSplits = new HashSet<>();

    private final Object wakeUpLock = new Object();
    private boolean wokenUp;

    @Nullable private Jedis connection;
    private long nextAttemptMillis;

    public RedisStreamsSplitReader(
            RedisStreamsSourceConfig config,
            int subtaskIndex,
            RedisStreamsSourceReaderMetrics metrics) {
        this.config = config;
        this.consumerName = config.consumerName(subtaskIndex);
        this.metrics = metrics;
        this.backoff =
                new ReconnectBackoff(
                        config.getReconnectBackoffInitial(),
                        config.getReconnectBackoffMax(),
                        config.getReconnectDeadline());
        this.readParams =
                XReadGroupParams.xReadGroupParams()
                        .count(config.getFetchBatchSize())
                        .block(Math.toIntExact(config.getBlockTime().toMillis()));
    }

    @Override
    public RecordsWithSplitIds<RedisStreamEntry> fetch() throws IOException {
        if (!finishedSplits.isEmpty()) {
            return reportFinishedSplits();
        }
        if (streams.isEmpty()) {
            return emptyRecords();
        }
        if (System.currentTimeMillis() < nextAttemptMillis) {
            waitForNextAttempt();
            return emptyRecords();
        }

        try {
            return readOnce();
        } catch (JedisException e) {
            return handleFailure(e);
        }
    }

    @Override
    public void handleSplitsChanges(SplitsChange<RedisStreamSplit> splitsChange) {
        if (!(splitsChange instanceof SplitsAddition)) {
            throw new UnsupportedOperationException(
                    "Redis streams reader supports only adding splits, got "
                            + splitsChange.getClass().getSimpleName());
        }
        for (RedisStreamSplit split : splitsChange.splits()) {
            streams.put(split.getStream(), new StreamProgress(split));
        }
    }

    @Override
    public void wakeUp() {
        synchronized (wakeUpLock) {
            wokenUp = true;
            wakeUpLock.notifyAll();
        }
    }

    @Override
    public void close() {
        closeConnection();
        LOG.info("Closed Redis streams reader of consumer {} on streams {}", consumerName, streams.keySet());
    }

    private RecordsWithSplitIds<RedisStreamEntry> readOnce() {
        Jedis jedis = connect();
        prepareStreams(jedis);
        if (streams.isEmpty()) {
            backoff.onSuccess();
            return reportFinishedSplits();
        }

        Map<String, StreamEntryID> request = new LinkedHashMap<>();
        streams.keySet().forEach(stream -> request.put(stream, StreamEntryID.UNRECEIVED_ENTRY));
        List<Map.Entry<String, List<StreamEntry>>> response =
                jedis.xreadGroup(config.getGroupName(), consumerName, readParams, request);

        if (backoff.onSuccess()) {
            LOG.info(
                    "Reconnected to Redis at {}; consumer {} continues reading streams {}",
                    config.getConnection().describeAddress(),
                    consumerName,
                    streams.keySet());
        }
        return toRecords(response);
    }

    private Jedis connect() {
        if (connection != null) {
            return connection;
        }
        if (backoff.attempt() > 0) {
            metrics.reconnects().inc();
        }
        connection = config.getConnection().openConnection();
        return connection;
    }

    private void prepareStreams(Jedis jedis) {
        Iterator<StreamProgress> iterator = streams.values().iterator();
        while (iterator.hasNext()) {
            StreamProgress progress = iterator.next();
            if (progress.ready) {
                continue;
            }
            prepare(jedis, progress);
            progress.ready = true;
            if (progress.hasReachedStop()) {
                finish(progress);
                iterator.remove();
            }
        }
    }

    private void prepare(Jedis jedis, StreamProgress progress) {
        if (progress.groupMissing) {
            recreateGroup(jedis, progress);
        } else if (progress.fromCheckpoint) {
            resumeFromCheckpoint(jedis, progress);
        } else {
            resumeFromGroup(jedis, progress);
        }
    }

    private void resumeFromCheckpoint(Jedis jedis, StreamProgress progress) {
        String stream = progress.stream;
        moveGroup(jedis, stream, progress.position);
        long acknowledged = acknowledgePendingUpTo(jedis, stream, progress.position);
        LOG.info(
                "Starting to read Redis stream {} after checkpointed entry {} (group {}, consumer"
                        + " {}, stop id {}); acknowledged {} entries still pending up to it",
                stream,
                progress.position,
                config.getGroupName(),
                consumerName,
                progress.stopId,
                acknowledged);
    }

    private void resumeFromGroup(Jedis jedis, StreamProgress progress) {
        String stream = progress.stream;
        StreamGroupInfo group = findGroup(jedis, stream);
        if (group == null) {
            createGroup(jedis, stream, startId(config.getStartPosition()));
            progress.position = findGroup(jedis, stream).getLastDeliveredId().toString();
            LOG.info(
                    "Created consumer group {} on Redis stream {} at start position {}; consumer"
                            + " {} starts reading after entry {} (stop id {})",
                    config.getGroupName(),
                    stream,
                    config.getStartPosition(),
                    consumerName,
                    progress.position,
                    progress.stopId);
            return;
        }
        if (group.getPending() > 0) {
            StreamEntryID oldestPending = jedis.xpending(stream, config.getGroupName()).getMinId();
            progress.position = StreamEntryIds.previous(oldestPending.toString());
            jedis.xgroupSetID(stream, config.getGroupName(), StreamEntryIds.parse(progress.position));
            LOG.info(
                    "Resuming Redis stream {} from group {}: consumer {} reads again from pending"
                            + " entry {} on ({} entries pending, stop id {})",
                    stream,
                    config.getGroupName(),
                    consumerName,
                    oldestPending,
                    group.getPending(),
                    progress.stopId);
            return;
        }
        progress.position = group.getLastDeliveredId().toString();
        LOG.info(
                "Resuming Redis stream {} from group {}: consumer {} reads after last delivered"
                        + " entry {} (stop id {})",
                stream,
                config.getGroupName(),
                consumerName,
                progress.position,
                progress.stopId);
    }

    private void recreateGroup(Jedis jedis, StreamProgress progress) {
        String createId =
                progress.position != null
                        ? progress.position
                        : startId(config.getStartPosition()).toString();
        if (createGroup(jedis, progress.stream, StreamEntryIds.parse(createId))) {
            LOG.info(
                    "Recreated missing consumer group {} on Redis stream {} at entry {}",
                    config.getGroupName(),
                    progress.stream,
                    createId);
        }
        progress.groupMissing = false;
    }

    private static StreamEntryID startId(RedisStreamsStartPosition startPosition) {
        return startPosition == RedisStreamsStartPosition.LATEST
                ? StreamEntryID.XGROUP_LAST_ENTRY
                : new StreamEntryID(0, 0);
    }

    /** Creates the group (and the stream if needed); returns false if the group existed. */
    private boolean createGroup(Jedis jedis, String stream, StreamEntryID id) {
        try {
            jedis.xgroupCreate(stream, config.getGroupName(), id, true);
            return true;
        } catch (JedisException e) {
            if (RedisErrors.isBusyGroup(e)) {
                return false;
            }
            throw e;
        }
    }

    private void moveGroup(Jedis jedis, String stream, String entryId) {
        StreamEntryID id = StreamEntryIds.parse(entryId);
        if (!createGroup(jedis, stream, id)) {
            jedis.xgroupSetID(stream, config.getGroupName(), id);
        }
    }

    @Nullable
    private StreamGroupInfo findGroup(Jedis jedis, String stream) {
        List<StreamGroupInfo> groups;
        try {
            groups = jedis.xinfoGroups(stream);
        } catch (JedisException e) {
            if (RedisErrors.isNoSuchKey(e)) {
                return null;
            }
            throw e;
        }
        return groups.stream()
                .filter(group -> config.getGroupName().equals(group.getName()))
                .findFirst()
                .orElse(null);
    }

    private long acknowledgePendingUpTo(Jedis jedis, String stream, String entryId) {
        long total = 0;
        while (true) {
            List<StreamPendingEntry> pending =
                    jedis.xpending(
                            stream,
                            config.getGroupName(),
                            XPendingParams.xPendingParams("-", entryId, StreamAcknowledger.CHUNK_SIZE));
            if (pending.isEmpty()) {
                return total;
            }
            List<String> ids = new ArrayList<>(pending.size());
            pending.forEach(entry -> ids.add(entry.getID().toString()));
            long acknowledged = StreamAcknowledger.acknowledge(jedis, stream, config.getGroupName(), ids);
            if (acknowledged == 0) {
                return total;
            }
            total += acknowledged;
        }
    }

    private RecordsWithSplitIds<RedisStreamEntry> toRecords(
            List<Map.Entry<String, List<StreamEntry>>> response) {
        RecordsBySplits.Builder<RedisStreamEntry> records = new RecordsBySplits.Builder<>();
        Set<String> streamsWithEntries = new HashSet<>();
        if (response != null) {
            for (Map.Entry<String, List<StreamEntry>> streamEntries : response) {
                StreamProgress progress = streams.get(streamEntries.getKey());
                if (progress != null && !streamEntries.getValue().isEmpty()) {
                    addEntries(progress, streamEntries.getValue(), records);
                    streamsWithEntries.add(progress.stream);
                }
            }
        }
        if (config.isBounded()) {
            finishBoundedSplits(streamsWithEntries, records);
        }
        return records.build();
    }

    private void addEntries(
            StreamProgress progress,
            List<StreamEntry> entries,
            RecordsBySplits.Builder<RedisStreamEntry> records) {
        for (StreamEntry entry : entries) {
            String id = entry.getID().toString();
            if (progress.stopId != null && StreamEntryIds.isAfter(id, progress.stopId)) {
                // Entries after the stop id stay pending in the group and are not emitted.
                progress.passedStop = true;
                return;
            }
            Map<String, String> fields =
                    entry.getFields() == null ? Map.of() : entry.getFields();
            records.add(progress.stream, new RedisStreamEntry(progress.stream, id, new LinkedHashMap<>(fields)));
            progress.position = id;
            metrics.entriesRead().inc();
            LOG.trace("Fetched entry {} of Redis stream {}", id, progress.stream);
        }
    }

    /**
     * Finishes bounded splits that reached their stop id. A stream without entries in a
     * successful XREADGROUP reply has nothing undelivered left, so it finishes too, even if
     * entries up to the stop id were deleted in the meantime.
     */
    private void finishBoundedSplits(
            Set<String> streamsWithEntries, RecordsBySplits.Builder<RedisStreamEntry> records) {
        Iterator<StreamProgress> iterator = streams.values().iterator();
        while (iterator.hasNext()) {
            StreamProgress progress = iterator.next();
            boolean exhausted = !streamsWithEntries.contains(progress.stream);
            if (exhausted || progress.passedStop || progress.hasReachedStop()) {
                logFinished(progress);
                records.addFinishedSplit(progress.stream);
                iterator.remove();
            }
        }
    }

    private void finish(StreamProgress progress) {
        logFinished(progress);
        finishedSplits.add(progress.stream);
    }

    private void logFinished(StreamProgress progress) {
        LOG.info(
                "Finished reading Redis stream {} at entry {} (stop id {}, consumer {})",
                progress.stream,
                progress.position,
                progress.stopId,
                consumerName);
    }

    private RecordsWithSplitIds<RedisStreamEntry> reportFinishedSplits() {
        RecordsBySplits.Builder<RedisStreamEntry> records = new RecordsBySplits.Builder<>();
        finishedSplits.forEach(records::addFinishedSplit);
        finishedSplits.clear();
        return records.build();
    }

    private static RecordsWithSplitIds<RedisStreamEntry> emptyRecords() {
        return new RecordsBySplits.Builder<RedisStreamEntry>().build();
    }

    private RecordsWithSplitIds<RedisStreamEntry> handleFailure(JedisException e) throws IOException {
        if (RedisErrors.isNoGroup(e)) {
            LOG.warn(
                    "Consumer group {} is missing on one of the Redis streams {}; recreating it at"
                            + " the last fetched entry of each stream: {}",
                    config.getGroupName(),
                    streams.keySet(),
                    e.getMessage());
            streams.values().forEach(StreamProgress::markGroupMissing);
            return emptyRecords();
        }
        if (!RedisErrors.isRetryable(e)) {
            throw new IOException(
                    String.format(
                            "Reading Redis streams %s with group %s at %s failed: %s. Check that"
                                    + " the keys are streams and the user may run XREADGROUP,"
                                    + " XGROUP, XINFO, XPENDING and XACK.",
                            streams.keySet(),
                            config.getGroupName(),
                            config.getConnection().describeAddress(),
                            e.getMessage()),
                    e);
        }

        closeConnection();
        long now = System.currentTimeMillis();
        long delayMillis = backoff.onFailure(now);
        if (delayMillis < 0) {
            throw new IOException(
                    String.format(
                            "Redis at %s is unreachable: %d attempts within %d ms failed while"
                                    + " reading streams %s. Failing the task so that the Flink"
                                    + " restart strategy takes over; raise the reconnect deadline"
                                    + " to wait longer.",
                            config.getConnection().describeAddress(),
                            backoff.attempt(),
                            backoff.outageMillis(now),
                            streams.keySet()),
                    e);
        }
        logRetry(now, delayMillis, e);
        nextAttemptMillis = now + delayMillis;
        return emptyRecords();
    }

    private void logRetry(long now, long delayMillis, JedisException e) {
        String message =
                "Connection to Redis at {} failed (attempt {}, {} ms into the outage); consumer {}"
                        + " retries in {} ms: {}";
        Object[] arguments = {
            config.getConnection().describeAddress(),
            backoff.attempt(),
            backoff.outageMillis(now),
            consumerName,
            delayMillis,
            e.toString()
        };
        if (backoff.shouldWarn(now)) {
            LOG.warn(message, arguments);
        } else {
            LOG.debug(message, arguments);
        }
    }

    private void waitForNextAttempt() {
        synchronized (wakeUpLock) {
            long remaining = nextAttemptMillis - System.currentTimeMillis();
            while (!wokenUp && remaining > 0) {
                try {
                    wakeUpLock.wait(remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                remaining = nextAttemptMillis - System.currentTimeMillis();
            }
            wokenUp = false;
        }
    }

    private void closeConnection() {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (JedisException e) {
            LOG.debug("Closing the Redis connection of consumer {} failed", consumerName, e);
        }
        connection = null;
    }

    /** Fetch-side progress of one split; only the fetcher thread touches it. */
    private static final class StreamProgress {

        final String stream;
        @Nullable final String stopId;
        /** True if {@link #position} came from a checkpoint and the group must be moved to it. */
        final boolean fromCheckpoint;
        /** Id of the last fetched entry, or of the entry the group resumes after. */
        @Nullable String position;

        boolean ready;
        boolean groupMissing;
        boolean passedStop;

        StreamProgress(RedisStreamSplit split) {
            this.stream = split.getStream();
            this.stopId = split.getStopId();
            this.position = split.getPosition();
            this.fromCheckpoint = split.getPosition() != null;
        }

        /** Marks a prepared split for group recreation; an unprepared one is prepared anyway. */
        void markGroupMissing() {
            if (ready) {
                groupMissing = true;
                ready = false;
            }
        }

        boolean hasReachedStop() {
            return stopId != null
                    && position != null
                    && StreamEntryIds.compare(position, stopId) >= 0;
        }
    }
}
