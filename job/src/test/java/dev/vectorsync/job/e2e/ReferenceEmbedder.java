package dev.vectorsync.job.e2e;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Embeds texts with bge-small-en-v1.5 without the job's embedding classes: one ONNX Runtime
 * session, one DJL tokenizer truncating at 512 tokens, the CLS vector, L2 normalisation. The end
 * to end tests compare what reached Milvus with these vectors.
 */
final class ReferenceEmbedder implements AutoCloseable {

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;

    ReferenceEmbedder() throws Exception {
        try (InputStream model = resource("bge-small-en-v1.5.onnx");
                InputStream tokenizerJson = resource("bge-small-en-v1.5-tokenizer.json");
                OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            session = environment.createSession(model.readAllBytes(), options);
            tokenizer =
                    HuggingFaceTokenizer.newInstance(
                            tokenizerJson, Map.of("truncation", "true", "maxLength", "512"));
        }
    }

    float[] embed(String text) throws Exception {
        Encoding encoding = tokenizer.encode(text);
        try (OnnxTensor ids = OnnxTensor.createTensor(environment, new long[][] {encoding.getIds()});
                OnnxTensor mask =
                        OnnxTensor.createTensor(environment, new long[][] {encoding.getAttentionMask()});
                OnnxTensor types =
                        OnnxTensor.createTensor(environment, new long[][] {encoding.getTypeIds()});
                OrtSession.Result result =
                        session.run(
                                Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
            float[][][] hidden = (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
            return normalized(hidden[0][0]);
        }
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            normA += a[i] * a[i];
            normB += b[i] * b[i];
        }
        return dot / Math.sqrt(normA * normB);
    }

    private static float[] normalized(float[] vector) {
        double norm = 0;
        for (float value : vector) {
            norm += value * value;
        }
        float scale = (float) (1.0 / Math.sqrt(norm));
        float[] out = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            out[i] = vector[i] * scale;
        }
        return out;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = ReferenceEmbedder.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("classpath resource " + name + " is missing");
        }
        return in;
    }

    @Override
    public void close() throws Exception {
        session.close();
        tokenizer.close();
    }
}
