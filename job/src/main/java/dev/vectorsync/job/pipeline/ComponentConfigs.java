package dev.vectorsync.job.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorsync.embedding.EmbeddingModelConfig;
import dev.vectorsync.job.config.JobSettings;
import dev.vectorsync.milvus.MilvusConnectionConfig;
import dev.vectorsync.redis.RedisConnectionConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import static dev.vectorsync.job.config.VectorSyncOptions.*;

/** Turns the validated job settings into the configuration objects of the operators. */
public final class ComponentConfigs {

    /** Output width of the bundled bge-small-en-v1.5 model. */
    static final int BUNDLED_MODEL_DIMENSION = 384;

    private ComponentConfigs() {}

    public static RedisConnectionConfig redis(JobSettings settings, Map<String, String> environment) {
        Duration timeout = settings.get(REDIS_TIMEOUT);
        return RedisConnectionConfig.builder()
                .setHost(settings.get(REDIS_HOST))
                .setPort(settings.get(REDIS_PORT))
                .setDatabase(settings.get(REDIS_DATABASE))
                .setUsername(settings.get(REDIS_USERNAME))
                .setPassword(settings.secretFromEnvironment(REDIS_PASSWORD_ENV, environment))
                .setSsl(settings.get(REDIS_SSL))
                .setConnectTimeout(timeout)
                .setSocketTimeout(timeout)
                .build();
    }

    public static MilvusConnectionConfig milvus(JobSettings settings, Map<String, String> environment) {
        Duration backoff = settings.get(SINK_RETRY_BACKOFF);
        return MilvusConnectionConfig.builder()
                .uri(settings.get(MILVUS_URI))
                .token(settings.secretFromEnvironment(MILVUS_TOKEN_ENV, environment))
                .databaseName(settings.get(MILVUS_DATABASE))
                .maxAttempts(settings.get(SINK_MAX_RETRIES) + 1)
                .initialBackoff(backoff)
                .maxBackoff(backoff.compareTo(Duration.ofSeconds(10)) > 0 ? backoff : Duration.ofSeconds(10))
                .build();
    }

    public static EmbeddingModelConfig embedding(JobSettings settings) {
        EmbeddingModelConfig.Builder builder =
                EmbeddingModelConfig.builder()
                        .modelId(settings.get(MODEL_ID))
                        .maxSequenceLength(settings.get(MAX_SEQUENCE_LENGTH))
                        .intraOpThreads(settings.get(INTRA_OP_THREADS))
                        .maxBatchSize(settings.get(BATCH_SIZE))
                        .maxBatchWait(settings.get(BATCH_WAIT))
                        .retryMaxAttempts(settings.get(EMBEDDING_MAX_ATTEMPTS))
                        .requestTimeout(settings.get(EMBEDDING_TIMEOUT));
        String directory = settings.get(MODEL_DIR);
        if (directory != null) {
            builder.modelDirectory(directory);
        }
        Integer dimension = settings.get(DIMENSION);
        if (dimension != null) {
            builder.dimension(dimension);
        }
        if ("cuda".equals(settings.get(DEVICE).toLowerCase(Locale.ROOT))) {
            builder.cuda(settings.get(DEVICE_ID));
        } else {
            builder.cpu();
        }
        return builder.build();
    }

    /**
     * Width of the stored vectors, known before any model is loaded: {@code embedding.dimension}
     * when set, 384 for the bundled model, else the {@code hidden_size} in the model directory's
     * {@code config.json} (the Hugging Face export writes it next to the weights).
     */
    public static int vectorDimension(JobSettings settings) {
        Integer dimension = settings.get(DIMENSION);
        if (dimension != null) {
            return dimension;
        }
        String directory = settings.get(MODEL_DIR);
        if (directory == null) {
            return BUNDLED_MODEL_DIMENSION;
        }
        Path config = Path.of(directory, "config.json");
        try {
            JsonNode hiddenSize = new ObjectMapper().readTree(Files.readString(config)).get("hidden_size");
            if (hiddenSize != null && hiddenSize.canConvertToInt()) {
                return hiddenSize.intValue();
            }
        } catch (IOException e) {
            // Falls through to the error below, which names the fix.
        }
        throw new IllegalArgumentException(
                "cannot tell the vector width of the model in " + directory + ": " + config
                        + " is missing or has no hidden_size; set embedding.dimension (1024 for"
                        + " BGE-M3, or the width you cut it to)");
    }
}
