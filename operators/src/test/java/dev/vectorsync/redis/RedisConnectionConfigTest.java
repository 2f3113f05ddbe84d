package dev.vectorsync.redis;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisConnectionConfigTest {

    @Test
    void toStringRedactsPassword() {
        RedisConnectionConfig config =
                RedisConnectionConfig.builder()
                        .setHost("redis.internal")
                        .setUsername("sync")
                        .setPassword("s3cr3t-Pa55")
                        .build();

        String text = config.toString();

        assertThat(text).doesNotContain("s3cr3t-Pa55");
        assertThat(text).contains("password=******");
        assertThat(text).contains("host=redis.internal");
        assertThat(text).contains("username=sync");
    }

    @Test
    void toStringShowsMissingPassword() {
        RedisConnectionConfig config = RedisConnectionConfig.builder().setHost("localhost").build();

        assertThat(config.toString()).contains("password=null");
    }

    @Test
    void buildRejectsMissingHost() {
        assertThatThrownBy(() -> RedisConnectionConfig.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setHost");
    }

    @Test
    void buildRejectsInvalidPort() {
        assertThatThrownBy(() -> RedisConnectionConfig.builder().setHost("h").setPort(70000).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port 70000");
    }

    @Test
    void buildRejectsZeroSocketTimeout() {
        assertThatThrownBy(
                        () ->
                                RedisConnectionConfig.builder()
                                        .setHost("h")
                                        .setSocketTimeout(Duration.ZERO)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setSocketTimeout");
    }
}
