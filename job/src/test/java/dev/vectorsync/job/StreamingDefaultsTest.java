package dev.vectorsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import java.time.Duration;

class StreamingDefaultsTest {

    @Test
    void unsetOptionsGetJobDefaults() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();

        VectorSyncJob.applyStreamingDefaults(env, new Configuration());

        assertThat(env.getBufferTimeout()).isEqualTo(5L);
        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(10_000L);
    }

    @Test
    void configuredOptionsAreKept() {
        Configuration configuration = new Configuration();
        configuration.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(100));
        configuration.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(30));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration);

        VectorSyncJob.applyStreamingDefaults(env, configuration);

        assertThat(env.getBufferTimeout()).isEqualTo(100L);
        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(30_000L);
    }
}
