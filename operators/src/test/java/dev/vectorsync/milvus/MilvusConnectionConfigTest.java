package dev.vectorsync.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;

class MilvusConnectionConfigTest {

    @Test
    void toStringRedactsTokenAndUserInfo() {
        MilvusConnectionConfig config =
                MilvusConnectionConfig.builder()
                        .uri("https://admin:s3cret-pass@milvus.internal:19530")
                        .token("root:Milvus-token-value")
                        .databaseName("listings")
                        .build();

        String text = config.toString();

        assertThat(text).doesNotContain("s3cret-pass");
        assertThat(text).doesNotContain("admin");
        assertThat(text).doesNotContain("Milvus-token-value");
        assertThat(text).contains("uri=https://***@milvus.internal:19530");
        assertThat(text).contains("token=***");
        assertThat(text).contains("databaseName=listings");
    }

    @Test
    void toStringShowsMissingToken() {
        MilvusConnectionConfig config =
                MilvusConnectionConfig.builder().uri("http://127.0.0.1:19530").build();

        assertThat(config.toString()).contains("uri=http://127.0.0.1:19530", "token=none");
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        MilvusConnectionConfig config =
                MilvusConnectionConfig.builder()
                        .uri("http://milvus:19530")
                        .token("secret")
                        .maxAttempts(4)
                        .build();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(config);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(config);
        }
    }

    @Test
    void buildRejectsMissingUri() {
        assertThatThrownBy(() -> MilvusConnectionConfig.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uri is missing");
    }

    @Test
    void buildRejectsBackoffsInWrongOrder() {
        assertThatThrownBy(
                        () ->
                                MilvusConnectionConfig.builder()
                                        .uri("http://milvus:19530")
                                        .initialBackoff(Duration.ofSeconds(2))
                                        .maxBackoff(Duration.ofSeconds(1))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBackoff")
                .hasMessageContaining("initialBackoff");
    }

    @Test
    void retryDeadlineMustStayBelowCheckpointTimeout() {
        MilvusConnectionConfig config =
                MilvusConnectionConfig.builder()
                        .uri("http://milvus:19530")
                        .retryDeadline(Duration.ofSeconds(30))
                        .rpcTimeout(Duration.ofSeconds(10))
                        .build();

        config.checkRetryDeadlineBelow(Duration.ofSeconds(41));
        assertThatThrownBy(() -> config.checkRetryDeadlineBelow(Duration.ofSeconds(40)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpoint timeout PT40S");
    }
}
