package dev.vectorsync.deadletter;

import dev.vectorsync.testing.RedisServerExtension;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.StreamEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Writes dead letters through a MiniCluster job into a real Redis server. */
@Timeout(120)
class RedisDeadLetterSinkITCase {

    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    void writesEveryDeadLetterWithAllFields() throws Exception {
        String stream = "dead-letter-" + UUID.randomUUID();
        List<DeadLetter> deadLetters = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            deadLetters.add(
                    new DeadLetter("post-sync", "1700000000000-" + i, "{\"id\":" + i + "}", "bad input " + i, "decode", 1_700_000_000_000L + i));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(200);

        env.fromData(deadLetters)
                .sinkTo(
                        RedisDeadLetterSink.builder()
                                .setConnectionConfig(REDIS.connectionConfig())
                                .setStream(stream)
                                .setBatchSize(10)
                                .build())
                .name("dead-letters");
        env.execute("dead letters");

        try (Jedis jedis = REDIS.openConnection()) {
            List<StreamEntry> entries = jedis.xrange(stream, "-", "+");
            assertThat(entries).hasSize(25);
            assertThat(entries.get(3).getFields())
                    .isEqualTo(
                            Map.of(
                                    "source_stream", "post-sync",
                                    "source_id", "1700000000000-3",
                                    "payload", "{\"id\":3}",
                                    "reason", "bad input 3",
                                    "stage", "decode",
                                    "failed_at", "2023-11-14T22:13:20.003Z"));
        }
    }

    @Test
    void maxLengthTrimsStream() throws Exception {
        String stream = "dead-letter-" + UUID.randomUUID();
        List<DeadLetter> deadLetters = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            deadLetters.add(new DeadLetter("post-sync", "1-" + i, "{}", "bad", "decode", 0L));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);

        env.fromData(deadLetters)
                .sinkTo(
                        RedisDeadLetterSink.builder()
                                .setConnectionConfig(REDIS.connectionConfig())
                                .setStream(stream)
                                .setMaxLength(100)
                                .build());
        env.execute("trimmed dead letters");

        try (Jedis jedis = REDIS.openConnection()) {
            // Approximate trimming removes whole macro nodes, so the length is at least 100.
            assertThat(jedis.xlen(stream)).isBetween(100L, 999L);
        }
    }

    @Test
    void builderRejectsZeroBatchSize() {
        assertThatThrownBy(
                        () ->
                                RedisDeadLetterSink.builder()
                                        .setConnectionConfig(REDIS.connectionConfig())
                                        .setBatchSize(0)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setBatchSize");
    }
}
