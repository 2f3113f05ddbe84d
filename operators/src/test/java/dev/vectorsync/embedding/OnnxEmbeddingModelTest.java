package dev.vectorsync.embedding;

import static dev.vectorsync.embedding.Vectors.cosine;
import static dev.vectorsync.embedding.Vectors.norm;
import static dev.vectorsync.embedding.Vectors.normalized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import dev.vectorsync.embedding.EmbeddingModelConfig.Device;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Runs the bundled bge-small-en-v1.5 model from the test classpath. */
class OnnxEmbeddingModelTest {

    private static final String SENTENCE =
            "A bright studio apartment near the river, with a balcony.";
    private static final String VIETNAMESE = "Phòng trọ giá rẻ ở Quận 7, Hồ Chí Minh";

    private static final List<String> MIXED_LENGTHS =
            List.of(
                    "Hi",
                    SENTENCE,
                    VIETNAMESE,
                    "Cho thuê căn hộ 2 phòng ngủ, đầy đủ nội thất, gần chợ Bến Thành, giá 12 triệu"
                            + " một tháng, ưu tiên hợp đồng dài hạn.",
                    "studio",
                    // About 900 tokens, so it is truncated at 512 in both paths.
                    "spacious ".repeat(300) + "room with a view");

    private static OnnxEmbeddingModel model;

    @BeforeAll
    static void loadModel() {
        model = OnnxEmbeddingModel.load(smallModel().build());
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    /** The bundled model on one ONNX Runtime thread, to share the build machine's cores. */
    static EmbeddingModelConfig.Builder smallModel() {
        return EmbeddingModelConfig.builder().intraOpThreads(1).interOpThreads(1);
    }

    @Test
    void modelReportsInputsAndNativeDimension() {
        assertThat(model.modelId()).isEqualTo("bge-small-en-v1.5");
        assertThat(model.nativeDimension()).isEqualTo(384);
        assertThat(model.dimension()).isEqualTo(384);
        assertThat(model.feedsTokenTypeIds()).isTrue();
        assertThat(model.device()).isEqualTo(Device.CPU);
    }

    @Test
    void vectorMatchesDirectOnnxRuntimeCall() throws Exception {
        float[] expected = embedDirectly(SENTENCE);

        float[] actual = model.embed(List.of(SENTENCE))[0];

        assertThat(actual).hasSize(384);
        assertThat(cosine(actual, expected)).isGreaterThanOrEqualTo(0.9999);
    }

    /**
     * Leading components computed outside Java with the Python packages onnxruntime 1.32.0 and
     * tokenizers 0.23.3 on the same two resources: CLS vector of the last hidden state,
     * L2-normalised.
     */
    @Test
    void vectorsMatchPythonReference() {
        float[][] vectors = model.embed(List.of(SENTENCE, VIETNAMESE, ""));

        assertLeading(vectors[0], 0.03671258f, -0.03829289f, 0.00494624f, 0.00466798f);
        assertLeading(vectors[1], -0.03705315f, 0.03329638f, 0.05275076f, -0.02884697f);
        assertLeading(vectors[2], 0.04846172f, -0.00129609f, 0.01687906f, -0.04792946f);
    }

    @Test
    void batchEqualsOneByOne() {
        float[][] batch = model.embed(MIXED_LENGTHS);

        for (int i = 0; i < MIXED_LENGTHS.size(); i++) {
            float[] single = model.embed(List.of(MIXED_LENGTHS.get(i)))[0];
            assertThat(cosine(batch[i], single)).as("text %d", i).isGreaterThanOrEqualTo(0.9999);
        }
    }

    @Test
    void preparedTextsEmbedLikeBatch() {
        // The batcher tokenises each text on its own, unpadded, then embeds them together.
        List<EmbeddingModel.PreparedText> prepared = new java.util.ArrayList<>();
        for (String text : MIXED_LENGTHS) {
            prepared.add(model.prepare(text));
        }

        float[][] fromPrepared = model.embedPrepared(prepared);
        float[][] batch = model.embed(MIXED_LENGTHS);

        for (int i = 0; i < batch.length; i++) {
            assertThat(fromPrepared[i]).as("text %d", i).containsExactly(batch[i], within(1e-5f));
        }
    }

    @Test
    void vectorsHaveUnitLength() {
        for (float[] vector : model.embed(MIXED_LENGTHS)) {
            assertThat(norm(vector)).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void vietnameseTextEmbeds() {
        float[] vector = model.embed(List.of(VIETNAMESE))[0];

        assertThat(vector).hasSize(384);
        assertThat(norm(vector)).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void emptyTextGivesSameUnitVector() {
        float[][] vectors = model.embed(List.of("", SENTENCE, ""));

        assertThat(norm(vectors[0])).isCloseTo(1.0, within(1e-5));
        assertThat(cosine(vectors[0], vectors[2])).isGreaterThanOrEqualTo(0.9999);
        assertThat(cosine(vectors[0], vectors[1])).isLessThan(0.99);
    }

    @Test
    void nullTextIsRejectedWithIndex() {
        assertThatThrownBy(() -> model.embed(Arrays.asList("a", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("text 1 of 2 is null");
    }

    @Test
    void emptyBatchGivesNoVectors() {
        assertThat(model.embed(List.of())).isEmpty();
    }

    @Test
    void dimensionCutsAndRenormalises() {
        float[][] full = model.embed(MIXED_LENGTHS);

        float[][] cut;
        try (OnnxEmbeddingModel small =
                OnnxEmbeddingModel.load(smallModel().dimension(128).build())) {
            assertThat(small.dimension()).isEqualTo(128);
            assertThat(small.nativeDimension()).isEqualTo(384);
            cut = small.embed(MIXED_LENGTHS);
        }

        for (int i = 0; i < cut.length; i++) {
            assertThat(cut[i]).hasSize(128);
            assertThat(norm(cut[i])).isCloseTo(1.0, within(1e-5));
            float[] expected = normalized(Arrays.copyOf(full[i], 128));
            assertThat(cosine(cut[i], expected)).as("text %d", i).isGreaterThanOrEqualTo(0.9999);
        }
    }

    @Test
    void dimensionAboveNativeIsRejected() {
        EmbeddingModelConfig config = smallModel().dimension(1024).build();

        assertThatThrownBy(() -> OnnxEmbeddingModel.load(config))
                .isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("dimension 1024 exceeds the native width 384")
                .hasMessageContaining("at most 384");
    }

    @Test
    void smallTokenBudgetSplitsBatchWithSameVectors() {
        float[][] expected = model.embed(MIXED_LENGTHS.subList(0, 5));

        EmbeddingModelConfig config =
                smallModel().maxSequenceLength(64).maxTokensPerRun(64).build();
        try (OnnxEmbeddingModel split = OnnxEmbeddingModel.load(config)) {
            Encoding[] encodings = tokenize(MIXED_LENGTHS.subList(0, 5));
            assertThat(split.planRuns(encodings)).hasSizeGreaterThan(1);

            float[][] actual = split.embed(MIXED_LENGTHS.subList(0, 5));
            for (int i = 0; i < actual.length; i++) {
                assertThat(cosine(actual[i], expected[i]))
                        .as("text %d", i)
                        .isGreaterThanOrEqualTo(0.9999);
            }
        }
    }

    @Test
    void directorySourceGivesSameVectors(@TempDir Path directory) throws IOException {
        copyResource(EmbeddingModelConfig.BUNDLED_MODEL_RESOURCE, directory.resolve("model.onnx"));
        copyResource(
                EmbeddingModelConfig.BUNDLED_TOKENIZER_RESOURCE,
                directory.resolve("tokenizer.json"));
        EmbeddingModelConfig config =
                smallModel().modelId("bge-small-copy").modelDirectory(directory.toString()).build();

        try (OnnxEmbeddingModel copy = OnnxEmbeddingModel.load(config)) {
            assertThat(copy.modelId()).isEqualTo("bge-small-copy");
            float[] vector = copy.embed(List.of(SENTENCE))[0];
            assertThat(cosine(vector, model.embed(List.of(SENTENCE))[0]))
                    .isGreaterThanOrEqualTo(0.9999);
        }
    }

    @Test
    void directoryWithoutTokenizerNamesFile(@TempDir Path directory) throws IOException {
        Files.writeString(directory.resolve("model.onnx"), "not loaded");
        EmbeddingModelConfig config =
                smallModel().modelId("bge-m3").modelDirectory(directory.toString()).build();

        assertThatThrownBy(() -> OnnxEmbeddingModel.load(config))
                .isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("has no tokenizer.json")
                .hasMessageContaining(directory.toString());
    }

    @Test
    void directoryWithoutModelNamesFile(@TempDir Path directory) throws IOException {
        Files.writeString(directory.resolve("tokenizer.json"), "{}");
        EmbeddingModelConfig config =
                smallModel().modelId("bge-m3").modelDirectory(directory.toString()).build();

        assertThatThrownBy(() -> OnnxEmbeddingModel.load(config))
                .isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("has no model.onnx");
    }

    @Test
    void missingDirectoryIsNamed(@TempDir Path parent) {
        Path missing = parent.resolve("absent");
        EmbeddingModelConfig config =
                smallModel().modelId("bge-m3").modelDirectory(missing.toString()).build();

        assertThatThrownBy(() -> OnnxEmbeddingModel.load(config))
                .isInstanceOf(EmbeddingException.class)
                .hasMessageContaining(missing + " does not exist");
    }

    /** The CPU build of ONNX Runtime on the test classpath has no CUDA provider. */
    @Test
    void cudaWithoutProviderFallsBackToCpu() {
        EmbeddingModelConfig config = smallModel().cuda(0).build();

        try (OnnxEmbeddingModel fallback = OnnxEmbeddingModel.load(config)) {
            assertThat(fallback.device()).isEqualTo(Device.CPU);
            assertThat(fallback.executionDevice()).isEqualTo("cpu");
            float[] vector = fallback.embed(List.of(SENTENCE))[0];
            assertThat(cosine(vector, model.embed(List.of(SENTENCE))[0]))
                    .isGreaterThanOrEqualTo(0.9999);
        }
    }

    @Test
    void tokenTypeIdsFedOnlyWhenDeclared() {
        assertThat(OnnxEmbeddingModel.feedsTokenTypeIds("m", Set.of("input_ids", "attention_mask")))
                .isFalse();
        assertThat(
                        OnnxEmbeddingModel.feedsTokenTypeIds(
                                "m", Set.of("input_ids", "attention_mask", "token_type_ids")))
                .isTrue();
    }

    @Test
    void missingOrUnknownInputsAreNamed() {
        assertThatThrownBy(() -> OnnxEmbeddingModel.feedsTokenTypeIds("m", Set.of("input_ids")))
                .isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("has no input attention_mask");
        assertThatThrownBy(
                        () ->
                                OnnxEmbeddingModel.feedsTokenTypeIds(
                                        "m", Set.of("input_ids", "attention_mask", "position_ids")))
                .isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("[position_ids]");
    }

    // ---- helpers ----

    private static void assertLeading(float[] vector, float... expected) {
        for (int i = 0; i < expected.length; i++) {
            assertThat(vector[i]).as("component %d", i).isCloseTo(expected[i], within(1e-4f));
        }
    }

    /**
     * Embeds {@code text} without the classes under test: DJL tokenizer with its defaults, one ONNX
     * Runtime session, CLS vector of the last hidden state, L2 normalisation.
     */
    private static float[] embedDirectly(String text) throws Exception {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        byte[] modelBytes;
        try (InputStream in = resource(EmbeddingModelConfig.BUNDLED_MODEL_RESOURCE)) {
            modelBytes = in.readAllBytes();
        }
        try (HuggingFaceTokenizer tokenizer = newTokenizer(Map.of());
                OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            Encoding encoding = tokenizer.encode(text);
            try (OrtSession session = environment.createSession(modelBytes, options);
                    OnnxTensor ids =
                            OnnxTensor.createTensor(environment, new long[][] {encoding.getIds()});
                    OnnxTensor mask =
                            OnnxTensor.createTensor(
                                    environment, new long[][] {encoding.getAttentionMask()});
                    OnnxTensor types =
                            OnnxTensor.createTensor(
                                    environment, new long[][] {encoding.getTypeIds()});
                    OrtSession.Result result =
                            session.run(
                                    Map.of(
                                            "input_ids", ids,
                                            "attention_mask", mask,
                                            "token_type_ids", types))) {
                float[][][] hidden =
                        (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
                return normalized(hidden[0][0]);
            }
        }
    }

    private static Encoding[] tokenize(List<String> texts) {
        Map<String, String> options = new HashMap<>();
        options.put("padding", "true");
        try (HuggingFaceTokenizer tokenizer = newTokenizer(options)) {
            return tokenizer.batchEncode(texts);
        }
    }

    private static HuggingFaceTokenizer newTokenizer(Map<String, String> options) {
        try (InputStream in = resource(EmbeddingModelConfig.BUNDLED_TOKENIZER_RESOURCE)) {
            return HuggingFaceTokenizer.newInstance(in, options);
        } catch (IOException e) {
            throw new IllegalStateException("bundled tokenizer unreadable", e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = OnnxEmbeddingModelTest.class.getClassLoader().getResourceAsStream(name);
        assertThat(in).as("classpath resource %s", name).isNotNull();
        return in;
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = resource(name)) {
            Files.copy(in, target);
        }
    }
}
