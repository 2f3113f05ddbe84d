package dev.vectorsync.source.redis.reader;

import dev.vectorsync.source.redis.RedisStreamEntry;
import dev.vectorsync.source.redis.RedisStreamsSource;
import dev.vectorsync.source.redis.RedisStreamsStartPosition;
import dev.vectorsync.source.redis.split.RedisStreamSplit;
import dev.vectorsync.testing.RedisServerExtension;

import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.core.io.InputStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.resps.StreamPendingEntry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives the source reader's checkpoint protocol with explicit checkpoint ids against Redis. */
class RedisStreamsSourceReaderTest {

    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(20);

    private final List<SourceReader<RedisStreamEntry, RedisStreamSplit>> readers = new ArrayList<>();
    private String stream;
    private String group;
    private Jedis jedis;

    @BeforeEach
    void setUp() {
        String suffix = UUID.randomUUID().toString();
        stream = "reader-test-" + suffix;
        group = "group-" + suffix;
        jedis = REDIS.openConnection();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (SourceReader<RedisStreamEntry, RedisStreamSplit> reader : readers) {
            reader.close();
        }
        jedis.close();
    }

    @Test
    void acknowledgesOnlyAfterCheckpointComplete() throws Exception {
        List<String> ids = addEntries(5);
        SourceReader<RedisStreamEntry, RedisStreamSplit> reader = startReader(RedisStreamsStartPosition.EARLIEST);
        reader.addSplits(List.of(new RedisStreamSplit(stream, null, null)));
        CollectingReaderOutput<RedisStreamEntry> output = new CollectingReaderOutput<>();

        pollUntil(reader, output, 3);
        List<RedisStreamSplit> firstCheckpoint = reader.snapshotState(1);
        pollUntil(reader, output, 5);
        reader.snapshotState(2);

        assertThat(firstCheckpoint).containsExactly(new RedisStreamSplit(stream, ids.get(2), null));
        assertThat(entryIds(output)).containsExactlyElementsOf(ids);
        assertThat(output.records().get(0).fields).containsEntry("job", "{\"n\":0}");
        assertThat(pendingIds()).containsExactlyElementsOf(ids);

        reader.notifyCheckpointComplete(1);
        assertThat(pendingIds()).containsExactlyElementsOf(ids.subList(3, 5));

        reader.notifyCheckpointComplete(2);
        assertThat(pendingIds()).isEmpty();
    }

    @Test
    void restoredSplitResumesAfterCheckpointedEntry() throws Exception {
        List<String> ids = addEntries(5);
        SourceReader<RedisStreamEntry, RedisStreamSplit> first = startReader(RedisStreamsStartPosition.EARLIEST);
        first.addSplits(List.of(new RedisStreamSplit(stream, null, null)));
        CollectingReaderOutput<RedisStreamEntry> firstOutput = new CollectingReaderOutput<>();
        pollUntil(first, firstOutput, 3);
        List<RedisStreamSplit> checkpoint = first.snapshotState(1);
        pollUntil(first, firstOutput, 5);
        closeReader(first);
        String later = addEntries(1).get(0);

        SourceReader<RedisStreamEntry, RedisStreamSplit> second = startReader(RedisStreamsStartPosition.EARLIEST);
        second.addSplits(checkpoint);
        CollectingReaderOutput<RedisStreamEntry> secondOutput = new CollectingReaderOutput<>();
        pollUntil(second, secondOutput, 3);

        assertThat(entryIds(secondOutput)).containsExactly(ids.get(3), ids.get(4), later);
        // Entries up to the checkpointed one were acknowledged when the split started.
        assertThat(pendingIds()).containsExactly(ids.get(3), ids.get(4), later);
    }

    @Test
    void groupResumeRereadsPendingEntries() throws Exception {
        List<String> ids = addEntries(5);
        SourceReader<RedisStreamEntry, RedisStreamSplit> first = startReader(RedisStreamsStartPosition.EARLIEST);
        first.addSplits(List.of(new RedisStreamSplit(stream, null, null)));
        CollectingReaderOutput<RedisStreamEntry> firstOutput = new CollectingReaderOutput<>();
        pollUntil(first, firstOutput, 2);
        first.snapshotState(1);
        first.notifyCheckpointComplete(1);
        pollUntil(first, firstOutput, 5);
        closeReader(first);

        SourceReader<RedisStreamEntry, RedisStreamSplit> second = startReader(RedisStreamsStartPosition.LATEST);
        second.addSplits(List.of(new RedisStreamSplit(stream, null, null)));
        CollectingReaderOutput<RedisStreamEntry> secondOutput = new CollectingReaderOutput<>();
        pollUntil(second, secondOutput, 3);

        assertThat(entryIds(secondOutput)).containsExactlyElementsOf(ids.subList(2, 5));
    }

    @Test
    void groupResumeWithoutPendingReadsOnlyNewEntries() throws Exception {
        addEntries(3);
        SourceReader<RedisStreamEntry, RedisStreamSplit> first = startReader(RedisStreamsStartPosition.EARLIEST);
        first.addSplits(List.of(new RedisStreamSplit(stream, null, null)));
        pollUntil(first, new CollectingReaderOutput<>(), 3);
        first.snapshotState(1);
        first.notifyCheckpointComplete(1);
        closeReader(first);
        List<String> newIds = addEntries(2);

        SourceReader<RedisStreamEntry, RedisStreamSplit> second = startReader(RedisStreamsStartPosition.EARLIEST);
        second.addSplits(List.of(new RedisStreamSplit(stream, null, null)));
        CollectingReaderOutput<RedisStreamEntry> secondOutput = new CollectingReaderOutput<>();
        pollUntil(second, secondOutput, 2);

        assertThat(entryIds(secondOutput)).containsExactlyElementsOf(newIds);
    }

    @Test
    void latestStartPositionSkipsExistingEntries() throws Exception {
        addEntries(3);
        SourceReader<RedisStreamEntry, RedisStreamSplit> reader = startReader(RedisStreamsStartPosition.LATEST);
        reader.addSplits(List.of(new RedisStreamSplit(stream, null, null)));
        CollectingReaderOutput<RedisStreamEntry> output = new CollectingReaderOutput<>();
        pollUntilGroupExists(reader, output);
        List<String> newIds = addEntries(2);

        pollUntil(reader, output, 2);

        assertThat(entryIds(output)).containsExactlyElementsOf(newIds);
    }

    private SourceReader<RedisStreamEntry, RedisStreamSplit> startReader(
            RedisStreamsStartPosition startPosition) {
        RedisStreamsSource source =
                RedisStreamsSource.builder()
                        .setConnectionConfig(REDIS.connectionConfig())
                        .setStreams(stream)
                        .setGroupName(group)
                        .setStartPosition(startPosition)
                        .setFetchBatchSize(2)
                        .build();
        SourceReader<RedisStreamEntry, RedisStreamSplit> reader =
                source.createReader(new TestingReaderContext());
        reader.start();
        readers.add(reader);
        return reader;
    }

    private void closeReader(SourceReader<RedisStreamEntry, RedisStreamSplit> reader) throws Exception {
        readers.remove(reader);
        reader.close();
    }

    private List<String> addEntries(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StreamEntryID id = jedis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("job", "{\"n\":" + i + "}"));
            ids.add(id.toString());
        }
        return ids;
    }

    private List<String> pendingIds() {
        List<StreamPendingEntry> pending =
                jedis.xpending(stream, group, XPendingParams.xPendingParams("-", "+", 1000));
        return pending.stream().map(entry -> entry.getID().toString()).collect(Collectors.toList());
    }

    private static List<String> entryIds(CollectingReaderOutput<RedisStreamEntry> output) {
        return output.records().stream().map(entry -> entry.entryId).collect(Collectors.toList());
    }

    /** Polls until the output contains {@code count} records; fails after {@link #POLL_TIMEOUT}. */
    private static void pollUntil(
            SourceReader<RedisStreamEntry, RedisStreamSplit> reader,
            CollectingReaderOutput<RedisStreamEntry> output,
            int count)
            throws Exception {
        long deadline = System.nanoTime() + POLL_TIMEOUT.toNanos();
        while (output.records().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "Expected " + count + " records within " + POLL_TIMEOUT + " but got " + output.records());
            }
            pollOnce(reader, output);
        }
    }

    private void pollUntilGroupExists(
            SourceReader<RedisStreamEntry, RedisStreamSplit> reader,
            CollectingReaderOutput<RedisStreamEntry> output)
            throws Exception {
        long deadline = System.nanoTime() + POLL_TIMEOUT.toNanos();
        while (!groupExists()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Reader did not create group " + group + " within " + POLL_TIMEOUT);
            }
            pollOnce(reader, output);
        }
    }

    private boolean groupExists() {
        return jedis.exists(stream)
                && jedis.xinfoGroups(stream).stream().anyMatch(info -> group.equals(info.getName()));
    }

    private static void pollOnce(
            SourceReader<RedisStreamEntry, RedisStreamSplit> reader,
            CollectingReaderOutput<RedisStreamEntry> output)
            throws Exception {
        InputStatus status = reader.pollNext(output);
        if (status == InputStatus.NOTHING_AVAILABLE) {
            try {
                reader.isAvailable().get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // Nothing arrived yet; poll again.
            }
        }
    }
}
