package dev.vectorsync.embedding;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Embedding models for tests that need no ONNX Runtime. */
final class TestModels {

    static final int DIMENSION = 4;

    private TestModels() {}

    /** The unit vector a {@link RecordingModel} returns for {@code text}. */
    static float[] vectorOf(String text) {
        float[] vector = new float[DIMENSION];
        vector[Math.floorMod(text.hashCode(), DIMENSION)] = 1f;
        return vector;
    }

    /**
     * Records the size of each batch and returns {@link #vectorOf} for each text. When a gate is
     * set, each call first announces itself and then waits until the gate opens.
     */
    static class RecordingModel implements EmbeddingModel {
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        final AtomicBoolean closed = new AtomicBoolean();
        private final String modelId;
        private volatile CountDownLatch entered;
        private volatile CountDownLatch gate;

        RecordingModel(String modelId) {
            this.modelId = modelId;
        }

        /**
         * Makes the next calls block until {@link #openGate()}; returns a latch of the first call.
         */
        CountDownLatch closeGate() {
            entered = new CountDownLatch(1);
            gate = new CountDownLatch(1);
            return entered;
        }

        void openGate() {
            gate.countDown();
        }

        @Override
        public float[][] embed(List<String> texts) {
            batchSizes.add(texts.size());
            if (gate != null) {
                entered.countDown();
                awaitGate();
            }
            float[][] vectors = new float[texts.size()][];
            for (int i = 0; i < texts.size(); i++) {
                vectors[i] = vectorOf(texts.get(i));
            }
            return vectors;
        }

        private void awaitGate() {
            try {
                if (!gate.await(60, TimeUnit.SECONDS)) {
                    throw new EmbeddingException("test gate was not opened within 60 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbeddingException("interrupted while waiting at the test gate");
            }
        }

        @Override
        public int dimension() {
            return DIMENSION;
        }

        @Override
        public String modelId() {
            return modelId;
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    /** Fails the first {@code failures} calls, then behaves like {@link RecordingModel}. */
    static class FlakyModel extends RecordingModel {
        final AtomicInteger calls = new AtomicInteger();
        private final int failures;

        FlakyModel(String modelId, int failures) {
            super(modelId);
            this.failures = failures;
        }

        @Override
        public float[][] embed(List<String> texts) {
            if (calls.incrementAndGet() <= failures) {
                throw new EmbeddingException("planned failure " + calls.get() + " of " + failures);
            }
            return super.embed(texts);
        }
    }
}
