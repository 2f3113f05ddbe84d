package dev.vectorsync.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorsync.embedding.EmbeddingModelConfig.Device;
import dev.vectorsync.embedding.EmbeddingModelConfig.Pooling;

import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.UnaryOperator;

class EmbeddingModelConfigTest {

    @Test
    void defaultsDescribeBundledModel() {
        EmbeddingModelConfig config = EmbeddingModelConfig.builder().build();

        assertThat(config.modelId()).isEqualTo("bge-small-en-v1.5");
        assertThat(config.isBundled()).isTrue();
        assertThat(config.modelDirectory()).isNull();
        assertThat(config.maxSequenceLength()).isEqualTo(512);
        assertThat(config.pooling()).isEqualTo(Pooling.CLS);
        assertThat(config.normalize()).isTrue();
        assertThat(config.dimension()).isEmpty();
        assertThat(config.device()).isEqualTo(Device.CPU);
        assertThat(config.maxBatchSize()).isEqualTo(32);
        assertThat(config.retryMaxAttempts()).isEqualTo(3);
    }

    @Test
    void bgeM3PresetAllowsLongTexts() {
        EmbeddingModelConfig config = EmbeddingModelConfig.bgeM3("/models/bge-m3").build();

        assertThat(config.modelId()).isEqualTo("bge-m3");
        assertThat(config.isBundled()).isFalse();
        assertThat(config.modelDirectory()).hasToString("/models/bge-m3");
        assertThat(config.maxSequenceLength()).isEqualTo(8192);
        assertThat(config.pooling()).isEqualTo(Pooling.CLS);
        assertThat(config.normalize()).isTrue();
    }

    @Test
    void invalidSettingsAreNamed() {
        assertRejected(
                b -> b.maxSequenceLength(0), "maxSequenceLength 0 is out of range; use 1 to 8192");
        assertRejected(b -> b.maxSequenceLength(8193), "maxSequenceLength 8193 is out of range");
        assertRejected(
                b -> b.maxSequenceLength(1024).maxTokensPerRun(512),
                "maxTokensPerRun 512 is below maxSequenceLength 1024");
        assertRejected(b -> b.dimension(-1), "dimension -1 is negative");
        assertRejected(b -> b.cuda(-1), "CUDA device id -1 is negative");
        assertRejected(b -> b.intraOpThreads(-2), "intraOpThreads -2");
        assertRejected(b -> b.maxBatchSize(0), "maxBatchSize 0 is below 1");
        assertRejected(b -> b.maxBatchWait(Duration.ofMillis(-1)), "maxBatchWait PT-0.001S");
        assertRejected(
                b -> b.requestTimeout(Duration.ZERO),
                "requestTimeout PT0S is missing or not positive");
        assertRejected(b -> b.retryMaxAttempts(0), "retryMaxAttempts 0 is below 1");
        assertRejected(
                b -> b.retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)),
                "retry max backoff PT1S is below the initial backoff PT2S");
        assertRejected(b -> b.pooling(null), "pooling is null");
    }

    @Test
    void directoryNeedsModelId() {
        assertRejected(
                b -> b.modelDirectory("/models/bge-m3"),
                "modelId is missing for modelDirectory /models/bge-m3");
        assertRejected(b -> b.modelDirectory(" ").modelId("x"), "modelDirectory is blank");
    }

    @Test
    void equalSettingsAreEqual() {
        EmbeddingModelConfig first = EmbeddingModelConfig.builder().maxBatchSize(8).build();
        EmbeddingModelConfig second = EmbeddingModelConfig.builder().maxBatchSize(8).build();
        EmbeddingModelConfig other = EmbeddingModelConfig.builder().maxBatchSize(9).build();

        assertThat(first).isEqualTo(second);
        assertThat(first.hashCode()).isEqualTo(second.hashCode());
        assertThat(first).isNotEqualTo(other);
    }

    @Test
    void serializationKeepsEquality() throws Exception {
        EmbeddingModelConfig config =
                EmbeddingModelConfig.bgeM3("/models/bge-m3").cuda(1).dimension(256).build();

        byte[] bytes = InstantiationUtil.serializeObject(config);
        EmbeddingModelConfig copy =
                InstantiationUtil.deserializeObject(bytes, getClass().getClassLoader());

        assertThat(copy).isEqualTo(config);
        assertThat(copy.dimension()).hasValue(256);
        assertThat(copy.deviceId()).isEqualTo(1);
    }

    @Test
    void backoffDoublesUpToMaximum() {
        EmbeddingModelConfig config =
                EmbeddingModelConfig.builder()
                        .retryMaxAttempts(5)
                        .retryBackoff(Duration.ofMillis(100), Duration.ofMillis(300))
                        .requestTimeout(Duration.ofSeconds(1))
                        .build();

        assertThat(config.backoffAfter(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(config.backoffAfter(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(config.backoffAfter(3)).isEqualTo(Duration.ofMillis(300));
        assertThat(config.backoffAfter(4)).isEqualTo(Duration.ofMillis(300));
        // 5 attempts of 1 s plus backoffs of 100 + 200 + 300 + 300 ms.
        assertThat(config.maxRetryDuration()).isEqualTo(Duration.ofMillis(5900));
    }

    private static void assertRejected(
            UnaryOperator<EmbeddingModelConfig.Builder> settings, String messageFragment) {
        EmbeddingModelConfig.Builder builder = settings.apply(EmbeddingModelConfig.builder());

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(messageFragment);
    }
}
