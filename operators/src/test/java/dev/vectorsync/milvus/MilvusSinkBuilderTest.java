package dev.vectorsync.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.time.Duration;

class MilvusSinkBuilderTest {

    private static final MilvusConnectionConfig CONFIG =
            MilvusConnectionConfig.builder().uri("http://milvus:19530").build();

    @Test
    void buildAppliesDefaults() {
        MilvusSink sink = MilvusSink.builder().connectionConfig(CONFIG).vectorDimension(384).build();

        assertThat(sink.getPostsCollection()).isEqualTo("posts_hybrid");
        assertThat(sink.getUsersCollection()).isEqualTo("users");
        assertThat(sink.getMaxBufferDelay()).isEqualTo(Duration.ofMillis(20));
        assertThat(sink.getMaxBufferedActions()).isEqualTo(500);
        assertThat(sink.isSchemaCheckEnabled()).isTrue();
    }

    @Test
    void buildRejectsMissingConnectionConfig() {
        assertThatThrownBy(() -> MilvusSink.builder().vectorDimension(384).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connectionConfig is missing");
    }

    @Test
    void buildRejectsMissingDimension() {
        assertThatThrownBy(() -> MilvusSink.builder().connectionConfig(CONFIG).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vectorDimension must be positive but is 0");
    }

    @Test
    void buildRejectsSharedCollection() {
        assertThatThrownBy(
                        () ->
                                MilvusSink.builder()
                                        .connectionConfig(CONFIG)
                                        .vectorDimension(384)
                                        .postsCollection("rows")
                                        .usersCollection("rows")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("postsCollection and usersCollection are both 'rows'");
    }
}
