package dev.vectorsync.source.redis;

import dev.vectorsync.redis.RedisConnectionConfig;
import dev.vectorsync.testing.RedisServerExtension;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the source on a MiniCluster with checkpointing against a real Redis server. */
@Timeout(180)
class RedisStreamsSourceITCase {

    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Duration WAIT_TIMEOUT = Duration.ofSeconds(60);

    /** Records that reached the sink; static because the sink runs in the same JVM. */
    private static final ConcurrentLinkedQueue<String> COLLECTED = new ConcurrentLinkedQueue<>();

    private static final AtomicBoolean FAILED_ONCE = new AtomicBoolean();
    private static final AtomicBoolean LATE_ENTRIES_ADDED = new AtomicBoolean();
    private static final AtomicInteger MAPPED = new AtomicInteger();

    private String prefix;

    @BeforeEach
    void setUp() {
        prefix = "it-" + UUID.randomUUID() + "-";
        COLLECTED.clear();
        FAILED_ONCE.set(false);
        LATE_ENTRIES_ADDED.set(false);
        MAPPED.set(0);
    }

    @Test
    void boundedReadsEntriesPresentAtStart() throws Exception {
        List<String> streams = List.of(prefix + "post-sync", prefix + "user-sync", prefix + "empty");
        Set<String> expected = new HashSet<>();
        expected.addAll(addEntries(streams.get(0), 20));
        expected.addAll(addEntries(streams.get(1), 7));
        StreamExecutionEnvironment env = environment(new Configuration());
        int port = REDIS.getPort();

        List<RedisStreamEntry> result =
                env.fromSource(
                                source(streams).setBoundedness(Boundedness.BOUNDED).build(),
                                WatermarkStrategy.noWatermarks(),
                                "redis-streams")
                        .map(new AddEntriesOnFirstRecord(port, streams.get(0)))
                        .executeAndCollect(1000);

        Set<String> read = result.stream().map(RedisStreamsSourceITCase::key).collect(Collectors.toSet());
        assertThat(result).hasSize(27);
        assertThat(read).isEqualTo(expected);
        try (Jedis jedis = REDIS.openConnection()) {
            // The entries added while the job ran exist but were not read.
            assertThat(jedis.xlen(streams.get(0))).isEqualTo(25);
        }
    }

    @Test
    void failoverDeliversEveryEntryAtLeastOnce() throws Exception {
        List<String> streams = List.of(prefix + "post-sync", prefix + "user-sync");
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = environment(config);
        DataStream<RedisStreamEntry> entries =
                env.fromSource(source(streams).build(), WatermarkStrategy.noWatermarks(), "redis-streams");
        entries.map(new FailOnceAfter(40)).addSink(new CollectSink());
        JobClient job = env.executeAsync("failover");

        Set<String> expected = new HashSet<>();
        try {
            for (int batch = 0; batch < 10; batch++) {
                expected.addAll(addEntries(streams.get(0), 5));
                expected.addAll(addEntries(streams.get(1), 5));
                Thread.sleep(100);
            }
            awaitCollected(expected);
        } finally {
            job.cancel().get();
        }

        assertThat(FAILED_ONCE).isTrue();
        assertThat(new HashSet<>(COLLECTED)).containsAll(expected);
    }

    @Test
    void readsNewEntriesAfterRedisRestart() throws Exception {
        List<String> streams = List.of(prefix + "post-sync");
        StreamExecutionEnvironment env = environment(new Configuration());
        env.fromSource(
                        source(streams)
                                .setReconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                                .setReconnectDeadline(Duration.ofSeconds(30))
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "redis-streams")
                .addSink(new CollectSink());
        JobClient job = env.executeAsync("reconnect");

        Set<String> expected = new HashSet<>();
        try {
            expected.addAll(addEntries(streams.get(0), 10));
            awaitCollected(expected);
            REDIS.restart();
            expected.addAll(addEntries(streams.get(0), 10));
            awaitCollected(expected);
        } finally {
            job.cancel().get();
        }

        assertThat(new HashSet<>(COLLECTED)).containsAll(expected);
    }

    private static StreamExecutionEnvironment environment(Configuration config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        return env;
    }

    private RedisStreamsSourceBuilder source(List<String> streams) {
        return RedisStreamsSource.builder()
                .setConnectionConfig(REDIS.connectionConfig())
                .setStreams(streams)
                .setGroupName(prefix + "group")
                .setFetchBatchSize(10)
                .setReconnectDeadline(Duration.ofSeconds(10));
    }

    private static List<String> addEntries(String stream, int count) {
        List<String> keys = new ArrayList<>();
        try (Jedis jedis = REDIS.openConnection()) {
            for (int i = 0; i < count; i++) {
                StreamEntryID id = jedis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("job", "{\"n\":" + i + "}"));
                keys.add(stream + "/" + id);
            }
        }
        return keys;
    }

    private static String key(RedisStreamEntry entry) {
        return entry.stream + "/" + entry.entryId;
    }

    private static void awaitCollected(Set<String> expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_TIMEOUT.toNanos();
        while (!new HashSet<>(COLLECTED).containsAll(expected)) {
            if (System.nanoTime() > deadline) {
                Set<String> missing = new HashSet<>(expected);
                missing.removeAll(COLLECTED);
                throw new AssertionError(
                        "Entries missing after " + WAIT_TIMEOUT + ": " + missing.size() + " of " + expected.size()
                                + ", for example " + missing.stream().limit(5).collect(Collectors.toList()));
            }
            Thread.sleep(50);
        }
    }

    /** Adds five entries to a stream when the first record passes, to prove the bound holds. */
    private static final class AddEntriesOnFirstRecord implements MapFunction<RedisStreamEntry, RedisStreamEntry> {

        private static final long serialVersionUID = 1L;

        private final int port;
        private final String stream;
        private transient boolean added;

        AddEntriesOnFirstRecord(int port, String stream) {
            this.port = port;
            this.stream = stream;
        }

        @Override
        public RedisStreamEntry map(RedisStreamEntry entry) {
            if (!added) {
                added = true;
                addOnce();
            }
            return entry;
        }

        private void addOnce() {
            // Only one of the parallel instances adds, because both may see a first record.
            if (!LATE_ENTRIES_ADDED.compareAndSet(false, true)) {
                return;
            }
            RedisConnectionConfig config = RedisConnectionConfig.builder().setHost("127.0.0.1").setPort(port).build();
            try (Jedis jedis = config.openConnection()) {
                for (int i = 0; i < 5; i++) {
                    jedis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("job", "late"));
                }
            }
        }
    }

    /** Throws once after {@code threshold} records, so the job restarts from a checkpoint. */
    private static final class FailOnceAfter implements MapFunction<RedisStreamEntry, RedisStreamEntry> {

        private static final long serialVersionUID = 1L;

        private final int threshold;

        FailOnceAfter(int threshold) {
            this.threshold = threshold;
        }

        @Override
        public RedisStreamEntry map(RedisStreamEntry entry) {
            if (MAPPED.incrementAndGet() >= threshold && FAILED_ONCE.compareAndSet(false, true)) {
                throw new IllegalStateException("Injected failure after " + threshold + " records");
            }
            return entry;
        }
    }

    private static final class CollectSink implements SinkFunction<RedisStreamEntry> {

        private static final long serialVersionUID = 1L;

        @Override
        public void invoke(RedisStreamEntry entry, Context context) {
            COLLECTED.add(key(entry));
        }
    }
}
