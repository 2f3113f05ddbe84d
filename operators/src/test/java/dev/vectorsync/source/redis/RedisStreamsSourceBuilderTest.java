package dev.vectorsync.source.redis;

import dev.vectorsync.redis.RedisConnectionConfig;

import org.apache.flink.api.connector.source.Boundedness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisStreamsSourceBuilderTest {

    private static final RedisConnectionConfig CONNECTION =
            RedisConnectionConfig.builder()
                    .setHost("127.0.0.1")
                    .setSocketTimeout(Duration.ofSeconds(2))
                    .build();

    private static RedisStreamsSourceBuilder validBuilder() {
        return RedisStreamsSource.builder()
                .setConnectionConfig(CONNECTION)
                .setStreams("post-sync", "user-sync")
                .setGroupName("vector-sync");
    }

    @Test
    void buildAppliesDefaults() {
        RedisStreamsSource source = validBuilder().build();

        RedisStreamsSourceConfig config = source.getConfig();
        assertThat(source.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        assertThat(config.getStartPosition()).isEqualTo(RedisStreamsStartPosition.EARLIEST);
        assertThat(config.getFetchBatchSize()).isEqualTo(500);
        assertThat(config.getBlockTime()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.consumerName(3)).isEqualTo("vector-sync-3");
    }

    @Test
    void boundednessFollowsSetting() {
        RedisStreamsSource source = validBuilder().setBoundedness(Boundedness.BOUNDED).build();

        assertThat(source.getBoundedness()).isEqualTo(Boundedness.BOUNDED);
    }

    @Test
    void rejectsMissingConnection() {
        assertThatThrownBy(() -> validBuilder().setConnectionConfig(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setConnectionConfig");
    }

    @Test
    void rejectsMissingStreams() {
        assertThatThrownBy(() -> validBuilder().setStreams().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setStreams");
    }

    @Test
    void rejectsDuplicateStream() {
        assertThatThrownBy(() -> validBuilder().setStreams("post-sync", "post-sync").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'post-sync' is listed twice");
    }

    @Test
    void rejectsBlankStream() {
        assertThatThrownBy(() -> validBuilder().setStreams(Arrays.asList("post-sync", " ")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be blank");
    }

    @Test
    void rejectsMissingGroup() {
        assertThatThrownBy(() -> validBuilder().setGroupName(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setGroupName");
    }

    @Test
    void rejectsZeroBatchSize() {
        assertThatThrownBy(() -> validBuilder().setFetchBatchSize(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Fetch batch size 0");
    }

    @Test
    void rejectsBlockTimeNotBelowSocketTimeout() {
        assertThatThrownBy(() -> validBuilder().setBlockTime(Duration.ofSeconds(2)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shorter than the Redis socket timeout")
                .hasMessageContaining("setSocketTimeout");
    }

    @Test
    void rejectsInitialBackoffAboveMax() {
        assertThatThrownBy(
                        () ->
                                validBuilder()
                                        .setReconnectBackoff(
                                                Duration.ofSeconds(5), Duration.ofSeconds(1))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds the maximum");
    }

    @Test
    void rejectsZeroDeadline() {
        assertThatThrownBy(() -> validBuilder().setReconnectDeadline(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setReconnectDeadline");
    }
}
