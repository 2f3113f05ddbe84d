package dev.vectorsync.embedding;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Settings of one embedding model: where its files are, how it tokenises and pools, where it runs,
 * and how requests to it are batched, timed out and retried.
 *
 * <p>Instances are immutable and compare by value, so that {@link SharedEmbeddingModels} can use
 * them as the key of the model that one TaskManager shares between its subtasks. Create them with
 * {@link #builder()} (bundled bge-small-en-v1.5) or {@link #bgeM3(String)}.
 *
 * <p>The model directory is checked when the model is loaded on the TaskManager, not in {@link
 * Builder#build()}, because the client that builds the job graph may not have that directory.
 */
@PublicEvolving
public final class EmbeddingModelConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Model id of the default model, which tests and the demo load from the classpath. */
    public static final String BUNDLED_MODEL_ID = "bge-small-en-v1.5";

    /** Classpath resource of the bundled ONNX model, at the root of the bge-small jar. */
    public static final String BUNDLED_MODEL_RESOURCE = "bge-small-en-v1.5.onnx";

    /** Classpath resource of the bundled tokenizer, at the root of the bge-small jar. */
    public static final String BUNDLED_TOKENIZER_RESOURCE = "bge-small-en-v1.5-tokenizer.json";

    /** File name of the ONNX model inside a model directory. */
    public static final String MODEL_FILE = "model.onnx";

    /** File name of the Hugging Face tokenizer inside a model directory. */
    public static final String TOKENIZER_FILE = "tokenizer.json";

    /** Upper bound of {@code maxSequenceLength}: the position limit of BGE-M3. */
    public static final int MAX_SEQUENCE_LENGTH_LIMIT = 8192;

    /** Execution device of the model. */
    public enum Device {
        /** The CPU execution provider of ONNX Runtime. */
        CPU,
        /**
         * The CUDA execution provider, which needs the {@code -Pgpu} build and the CUDA and cuDNN
         * libraries on the TaskManager; without them the model falls back to the CPU.
         */
        CUDA
    }

    /** Pooling method that turns the token vectors of the last hidden state into one vector. */
    public enum Pooling {
        /** The vector of the first token ([CLS] or {@code <s>}), as BGE models are trained. */
        CLS
    }

    private final String modelId;
    private final String modelDirectory;
    private final int maxSequenceLength;
    private final int maxTokensPerRun;
    private final Pooling pooling;
    private final boolean normalize;
    private final int dimension;
    private final Device device;
    private final int deviceId;
    private final int intraOpThreads;
    private final int interOpThreads;
    private final int maxBatchSize;
    private final Duration maxBatchWait;
    private final Duration requestTimeout;
    private final int retryMaxAttempts;
    private final Duration retryInitialBackoff;
    private final Duration retryMaxBackoff;

    private EmbeddingModelConfig(Builder builder) {
        this.modelId = builder.modelId;
        this.modelDirectory = builder.modelDirectory;
        this.maxSequenceLength = builder.maxSequenceLength;
        this.maxTokensPerRun = builder.maxTokensPerRun;
        this.pooling = builder.pooling;
        this.normalize = builder.normalize;
        this.dimension = builder.dimension;
        this.device = builder.device;
        this.deviceId = builder.deviceId;
        this.intraOpThreads = builder.intraOpThreads;
        this.interOpThreads = builder.interOpThreads;
        this.maxBatchSize = builder.maxBatchSize;
        this.maxBatchWait = builder.maxBatchWait;
        this.requestTimeout = builder.requestTimeout;
        this.retryMaxAttempts = builder.retryMaxAttempts;
        this.retryInitialBackoff = builder.retryInitialBackoff;
        this.retryMaxBackoff = builder.retryMaxBackoff;
    }

    /** Starts a builder for the bundled bge-small-en-v1.5 model with the default settings. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a builder for BGE-M3 in {@code modelDirectory}: model id {@code bge-m3}, up to 8192
     * tokens, CLS pooling, L2 normalisation.
     *
     * <p>Memory grows with the square of the padded length, so texts of thousands of tokens are run
     * a few at a time: {@code maxTokensPerRun} is set to 8192, one full-length text per run.
     */
    public static Builder bgeM3(String modelDirectory) {
        return new Builder()
                .modelId("bge-m3")
                .modelDirectory(modelDirectory)
                .maxSequenceLength(MAX_SEQUENCE_LENGTH_LIMIT)
                .maxTokensPerRun(MAX_SEQUENCE_LENGTH_LIMIT);
    }

    /** Name written to {@code SyncAction.embeddingModel}, e.g. {@code bge-small-en-v1.5}. */
    public String modelId() {
        return modelId;
    }

    /** Returns whether the model and tokenizer are the bundled classpath resources. */
    public boolean isBundled() {
        return modelDirectory == null;
    }

    /** Directory with {@code model.onnx} and {@code tokenizer.json}; null for the bundled model. */
    public Path modelDirectory() {
        return modelDirectory == null ? null : Path.of(modelDirectory);
    }

    /** Maximum tokens per text, special tokens included; longer texts are truncated. */
    public int maxSequenceLength() {
        return maxSequenceLength;
    }

    /**
     * Maximum padded tokens (texts times longest length) in one ONNX Runtime call; a larger batch
     * is split into several calls.
     */
    public int maxTokensPerRun() {
        return maxTokensPerRun;
    }

    public Pooling pooling() {
        return pooling;
    }

    /** Returns whether vectors are scaled to unit L2 length. */
    public boolean normalize() {
        return normalize;
    }

    /** Number of leading components kept; empty for the native width of the model. */
    public OptionalInt dimension() {
        return dimension == 0 ? OptionalInt.empty() : OptionalInt.of(dimension);
    }

    public Device device() {
        return device;
    }

    /** CUDA device ordinal; used only when {@link #device()} is CUDA. */
    public int deviceId() {
        return deviceId;
    }

    /** Threads ONNX Runtime uses inside one operator; 0 lets ONNX Runtime choose. */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /** Threads ONNX Runtime uses to run independent operators; 0 lets ONNX Runtime choose. */
    public int interOpThreads() {
        return interOpThreads;
    }

    /** Maximum texts in one batch sent to the model. */
    public int maxBatchSize() {
        return maxBatchSize;
    }

    /** Maximum time a batch waits for more texts after its first request arrived. */
    public Duration maxBatchWait() {
        return maxBatchWait;
    }

    /** Time one attempt may take, queueing in the batcher included, before it is retried. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Attempts per text, the first included; 1 means no retry. */
    public int retryMaxAttempts() {
        return retryMaxAttempts;
    }

    /**
     * Wait before the second attempt; each later wait doubles, up to {@link #retryMaxBackoff()}.
     */
    public Duration retryInitialBackoff() {
        return retryInitialBackoff;
    }

    public Duration retryMaxBackoff() {
        return retryMaxBackoff;
    }

    /**
     * Returns the wait before attempt {@code attempt + 1}, given that {@code attempt} (1-based)
     * just failed: the initial backoff doubled per earlier retry, capped at the maximum backoff.
     */
    public Duration backoffAfter(int attempt) {
        Duration backoff = retryInitialBackoff;
        for (int i = 1; i < attempt && backoff.compareTo(retryMaxBackoff) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(retryMaxBackoff) > 0 ? retryMaxBackoff : backoff;
    }

    /**
     * Returns the longest time all attempts and backoffs of one text can take. Set the timeout of
     * {@code AsyncDataStream.unorderedWait} above this, so that the retries here decide the outcome
     * and Flink's timeout only catches a request that hangs.
     */
    public Duration maxRetryDuration() {
        Duration total = requestTimeout.multipliedBy(retryMaxAttempts);
        for (int attempt = 1; attempt < retryMaxAttempts; attempt++) {
            total = total.plus(backoffAfter(attempt));
        }
        return total;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof EmbeddingModelConfig)) {
            return false;
        }
        EmbeddingModelConfig that = (EmbeddingModelConfig) other;
        return maxSequenceLength == that.maxSequenceLength
                && maxTokensPerRun == that.maxTokensPerRun
                && normalize == that.normalize
                && dimension == that.dimension
                && deviceId == that.deviceId
                && intraOpThreads == that.intraOpThreads
                && interOpThreads == that.interOpThreads
                && maxBatchSize == that.maxBatchSize
                && retryMaxAttempts == that.retryMaxAttempts
                && modelId.equals(that.modelId)
                && Objects.equals(modelDirectory, that.modelDirectory)
                && pooling == that.pooling
                && device == that.device
                && maxBatchWait.equals(that.maxBatchWait)
                && requestTimeout.equals(that.requestTimeout)
                && retryInitialBackoff.equals(that.retryInitialBackoff)
                && retryMaxBackoff.equals(that.retryMaxBackoff);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                modelId,
                modelDirectory,
                maxSequenceLength,
                maxTokensPerRun,
                pooling,
                normalize,
                dimension,
                device,
                deviceId,
                intraOpThreads,
                interOpThreads,
                maxBatchSize,
                maxBatchWait,
                requestTimeout,
                retryMaxAttempts,
                retryInitialBackoff,
                retryMaxBackoff);
    }

    @Override
    public String toString() {
        return "EmbeddingModelConfig{modelId="
                + modelId
                + ", source="
                + (isBundled() ? "classpath:" + BUNDLED_MODEL_RESOURCE : modelDirectory)
                + ", maxSequenceLength="
                + maxSequenceLength
                + ", maxTokensPerRun="
                + maxTokensPerRun
                + ", pooling="
                + pooling
                + ", normalize="
                + normalize
                + ", dimension="
                + (dimension == 0 ? "native" : dimension)
                + ", device="
                + (device == Device.CUDA ? "cuda:" + deviceId : "cpu")
                + ", intraOpThreads="
                + intraOpThreads
                + ", interOpThreads="
                + interOpThreads
                + ", maxBatchSize="
                + maxBatchSize
                + ", maxBatchWait="
                + maxBatchWait
                + ", requestTimeout="
                + requestTimeout
                + ", retryMaxAttempts="
                + retryMaxAttempts
                + ", retryBackoff="
                + retryInitialBackoff
                + ".."
                + retryMaxBackoff
                + '}';
    }

    /**
     * Builder of {@link EmbeddingModelConfig}. The model defaults are the bundled
     * bge-small-en-v1.5, 512 tokens per text, 16384 tokens per run, CLS pooling, normalised vectors
     * of native width, on the CPU with ONNX Runtime's own thread counts. Batches have up to 32
     * texts and wait up to 5 ms. Each attempt may take 30 s, and there are 3 attempts with a
     * backoff from 200 ms doubling up to 5 s.
     */
    @PublicEvolving
    public static final class Builder {

        private String modelId;
        private String modelDirectory;
        private int maxSequenceLength = 512;
        private int maxTokensPerRun = 16_384;
        private Pooling pooling = Pooling.CLS;
        private boolean normalize = true;
        private int dimension;
        private Device device = Device.CPU;
        private int deviceId;
        private int intraOpThreads;
        private int interOpThreads;
        private int maxBatchSize = 32;
        private Duration maxBatchWait = Duration.ofMillis(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int retryMaxAttempts = 3;
        private Duration retryInitialBackoff = Duration.ofMillis(200);
        private Duration retryMaxBackoff = Duration.ofSeconds(5);

        private Builder() {}

        /** Sets the model id; required with {@link #modelDirectory(String)}. */
        public Builder modelId(String modelId) {
            this.modelId = modelId;
            return this;
        }

        /**
         * Loads the model from a directory on the TaskManager holding {@code model.onnx} (external
         * data files next to it are allowed) and {@code tokenizer.json}, in place of the bundled
         * model.
         */
        public Builder modelDirectory(String modelDirectory) {
            this.modelDirectory = modelDirectory;
            return this;
        }

        /** Maximum tokens per text, 1 to 8192; longer texts are truncated. Default 512. */
        public Builder maxSequenceLength(int maxSequenceLength) {
            this.maxSequenceLength = maxSequenceLength;
            return this;
        }

        /** Maximum padded tokens per ONNX Runtime call, at least maxSequenceLength. */
        public Builder maxTokensPerRun(int maxTokensPerRun) {
            this.maxTokensPerRun = maxTokensPerRun;
            return this;
        }

        public Builder pooling(Pooling pooling) {
            this.pooling = pooling;
            return this;
        }

        /** Sets whether vectors are scaled to unit L2 length. Default true. */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /**
         * Keeps only the first {@code dimension} components (normalised again when normalize is
         * on). Loading fails when it exceeds the native width of the model.
         */
        public Builder dimension(int dimension) {
            this.dimension = dimension;
            return this;
        }

        /** Runs on the CPU. */
        public Builder cpu() {
            this.device = Device.CPU;
            this.deviceId = 0;
            return this;
        }

        /** Runs on CUDA device {@code deviceId}, falling back to the CPU when CUDA is missing. */
        public Builder cuda(int deviceId) {
            this.device = Device.CUDA;
            this.deviceId = deviceId;
            return this;
        }

        /** ONNX Runtime intra-op threads; 0 (default) lets ONNX Runtime choose. */
        public Builder intraOpThreads(int intraOpThreads) {
            this.intraOpThreads = intraOpThreads;
            return this;
        }

        /** ONNX Runtime inter-op threads; 0 (default) lets ONNX Runtime choose. */
        public Builder interOpThreads(int interOpThreads) {
            this.interOpThreads = interOpThreads;
            return this;
        }

        /** Maximum texts per batch. Default 32. */
        public Builder maxBatchSize(int maxBatchSize) {
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        /**
         * Maximum wait for more texts after the first of a batch. Default 5 ms; zero is allowed.
         */
        public Builder maxBatchWait(Duration maxBatchWait) {
            this.maxBatchWait = maxBatchWait;
            return this;
        }

        /** Time one attempt may take before it is retried. Default 30 s. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** Attempts per text, the first included. Default 3. */
        public Builder retryMaxAttempts(int retryMaxAttempts) {
            this.retryMaxAttempts = retryMaxAttempts;
            return this;
        }

        /** Backoff before the first retry, doubled for each later one up to {@code max}. */
        public Builder retryBackoff(Duration initial, Duration max) {
            this.retryInitialBackoff = initial;
            this.retryMaxBackoff = max;
            return this;
        }

        /**
         * Validates the settings and creates the config.
         *
         * @throws IllegalArgumentException naming the first invalid setting and the valid range
         */
        public EmbeddingModelConfig build() {
            if (modelDirectory == null && modelId == null) {
                modelId = BUNDLED_MODEL_ID;
            }
            validateSource();
            validateTokens();
            validateDevice();
            validateBatching();
            validateRetries();
            return new EmbeddingModelConfig(this);
        }

        private void validateSource() {
            if (modelDirectory != null && modelDirectory.isBlank()) {
                throw new IllegalArgumentException(
                        "modelDirectory is blank; set it to the directory holding model.onnx and"
                                + " tokenizer.json, or leave it unset for the bundled model");
            }
            if (modelId == null || modelId.isBlank()) {
                throw new IllegalArgumentException(
                        "modelId is missing for modelDirectory "
                                + modelDirectory
                                + "; set modelId to the name stored with each vector, e.g."
                                + " bge-m3");
            }
            if (pooling == null) {
                throw new IllegalArgumentException("pooling is null; use Pooling.CLS");
            }
        }

        private void validateTokens() {
            if (maxSequenceLength < 1 || maxSequenceLength > MAX_SEQUENCE_LENGTH_LIMIT) {
                throw new IllegalArgumentException(
                        "maxSequenceLength "
                                + maxSequenceLength
                                + " is out of range; use 1 to "
                                + MAX_SEQUENCE_LENGTH_LIMIT
                                + " tokens");
            }
            if (maxTokensPerRun < maxSequenceLength) {
                throw new IllegalArgumentException(
                        "maxTokensPerRun "
                                + maxTokensPerRun
                                + " is below maxSequenceLength "
                                + maxSequenceLength
                                + "; raise maxTokensPerRun so that one full-length text fits in a"
                                + " run");
            }
            if (dimension < 0) {
                throw new IllegalArgumentException(
                        "dimension "
                                + dimension
                                + " is negative; use a positive width or leave it unset for the"
                                + " native width of the model");
            }
        }

        private void validateDevice() {
            if (device == Device.CUDA && deviceId < 0) {
                throw new IllegalArgumentException(
                        "CUDA device id " + deviceId + " is negative; use 0 for the first GPU");
            }
            if (intraOpThreads < 0 || interOpThreads < 0) {
                throw new IllegalArgumentException(
                        "intraOpThreads "
                                + intraOpThreads
                                + " and interOpThreads "
                                + interOpThreads
                                + " must not be negative; use 0 to let ONNX Runtime choose");
            }
        }

        private void validateBatching() {
            if (maxBatchSize < 1) {
                throw new IllegalArgumentException(
                        "maxBatchSize " + maxBatchSize + " is below 1; use 1 to turn batching off");
            }
            requireNotNegative("maxBatchWait", maxBatchWait);
            requirePositive("requestTimeout", requestTimeout);
        }

        private void validateRetries() {
            if (retryMaxAttempts < 1) {
                throw new IllegalArgumentException(
                        "retryMaxAttempts "
                                + retryMaxAttempts
                                + " is below 1; it counts the first attempt, so use 1 for no"
                                + " retries");
            }
            requireNotNegative("retry initial backoff", retryInitialBackoff);
            requireNotNegative("retry max backoff", retryMaxBackoff);
            if (retryMaxBackoff.compareTo(retryInitialBackoff) < 0) {
                throw new IllegalArgumentException(
                        "retry max backoff "
                                + retryMaxBackoff
                                + " is below the initial backoff "
                                + retryInitialBackoff
                                + "; pass the smaller one first to retryBackoff(initial, max)");
            }
        }

        private static void requireNotNegative(String name, Duration value) {
            if (value == null || value.isNegative()) {
                throw new IllegalArgumentException(
                        name + " " + value + " is missing or negative; use zero or more");
            }
        }

        private static void requirePositive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(
                        name
                                + " "
                                + value
                                + " is missing or not positive; use a positive duration");
            }
        }
    }
}
