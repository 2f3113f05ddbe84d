package dev.vectorsync.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorsync.embedding.TestModels.FlakyModel;
import dev.vectorsync.embedding.TestModels.RecordingModel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

class EmbeddingBatcherTest {

    /** Long enough that no batch in these tests ends by waiting, unless a test wants it to. */
    private static final Duration NEVER = Duration.ofHours(1);

    private final List<EmbeddingBatcher> batchers = new ArrayList<>();

    @AfterEach
    void closeBatchers() {
        batchers.forEach(EmbeddingBatcher::close);
    }

    @Test
    void queuedRequestsFillFullBatches() throws Exception {
        RecordingModel model = new RecordingModel("recording");
        EmbeddingBatcher batcher = start(model, 4, NEVER);
        CountDownLatch entered = model.closeGate();

        // The worker blocks in the first batch, a full one of 4, while 10 more requests queue up.
        List<CompletableFuture<float[]>> futures = submitAll(batcher, 0, 4);
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        futures.addAll(submitAll(batcher, 4, 14));
        model.openGate();

        // 14 = 4 + 4 + 4 + 2, but the last 2 wait for NEVER unless 2 more arrive.
        futures.addAll(submitAll(batcher, 14, 16));
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).get(30, TimeUnit.SECONDS))
                    .isEqualTo(TestModels.vectorOf("text " + i));
        }
        assertThat(model.batchSizes).containsExactly(4, 4, 4, 4);
    }

    @Test
    void concurrentSubmittersShareBatches() throws Exception {
        RecordingModel model = new RecordingModel("recording");
        EmbeddingBatcher batcher = start(model, 8, NEVER);

        List<CompletableFuture<float[]>> futures = new ArrayList<>();
        List<Thread> submitters = new ArrayList<>();
        for (int thread = 0; thread < 4; thread++) {
            int first = thread * 8;
            Thread submitter =
                    new Thread(
                            () -> {
                                List<CompletableFuture<float[]>> own =
                                        submitAll(batcher, first, first + 8);
                                synchronized (futures) {
                                    futures.addAll(own);
                                }
                            });
            submitters.add(submitter);
            submitter.start();
        }
        for (Thread submitter : submitters) {
            submitter.join();
        }

        for (CompletableFuture<float[]> future : futures) {
            assertThat(future.get(30, TimeUnit.SECONDS)).hasSize(TestModels.DIMENSION);
        }
        // 32 texts and a wait that never ends a batch: only full batches of 8 can have run.
        assertThat(model.batchSizes).containsExactly(8, 8, 8, 8);
    }

    @Test
    void batchWaitsForMoreTextsWithinMaxWait() throws Exception {
        RecordingModel model = new RecordingModel("recording");
        EmbeddingBatcher batcher = start(model, 3, NEVER);

        CompletableFuture<float[]> first = batcher.submit("a");
        CompletableFuture<float[]> second = batcher.submit("b");
        CompletableFuture<float[]> third = batcher.submit("c");

        CompletableFuture.allOf(first, second, third).get(30, TimeUnit.SECONDS);
        assertThat(model.batchSizes).containsExactly(3);
    }

    @Test
    void partialBatchRunsWhenMaxWaitEnds() throws Exception {
        RecordingModel model = new RecordingModel("recording");
        EmbeddingBatcher batcher = start(model, 100, Duration.ofMillis(1));

        float[] vector = batcher.submit("alone").get(30, TimeUnit.SECONDS);

        assertThat(vector).isEqualTo(TestModels.vectorOf("alone"));
        assertThat(model.batchSizes).containsExactly(1);
    }

    @Test
    void modelFailureFailsWholeBatch() {
        FlakyModel model = new FlakyModel("flaky", 1);
        EmbeddingBatcher batcher = start(model, 2, NEVER);

        CompletableFuture<float[]> first = batcher.submit("a");
        CompletableFuture<float[]> second = batcher.submit("b");

        for (CompletableFuture<float[]> future : List.of(first, second)) {
            assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(EmbeddingException.class)
                    .hasMessageContaining("planned failure 1 of 1");
        }
    }

    @Test
    void skipsRequestsCompletedByCaller() throws Exception {
        RecordingModel model = new RecordingModel("recording");
        EmbeddingBatcher batcher = start(model, 2, NEVER);

        CompletableFuture<float[]> abandoned = batcher.submit("abandoned");
        abandoned.cancel(false);
        CompletableFuture<float[]> first = batcher.submit("a");
        CompletableFuture<float[]> second = batcher.submit("b");

        CompletableFuture.allOf(first, second).get(30, TimeUnit.SECONDS);
        assertThat(model.batchSizes).containsExactly(2);
    }

    @Test
    void closeFailsPendingRequests() {
        RecordingModel model = new RecordingModel("recording");
        EmbeddingBatcher batcher = start(model, 10, NEVER);
        CompletableFuture<float[]> pending = batcher.submit("never embedded");

        batcher.close();

        assertThatThrownBy(() -> pending.get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
        assertThat(model.batchSizes).isEmpty();
    }

    @Test
    void submitAfterCloseFails() {
        EmbeddingBatcher batcher = start(new RecordingModel("recording"), 10, NEVER);
        batcher.close();

        assertThat(batcher.submit("late")).isCompletedExceptionally();
    }

    @Test
    void nullTextFailsOnlyItsRequest() {
        EmbeddingBatcher batcher = start(new RecordingModel("recording"), 10, NEVER);

        assertThatThrownBy(() -> batcher.submit(null).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalArgumentException.class);
        assertThat(batcher.queueSize()).isZero();
    }

    @Test
    void listenerSeesEachBatch() throws Exception {
        RecordingModel model = new RecordingModel("recording");
        List<Integer> sizes = new ArrayList<>();
        EmbeddingBatcher batcher =
                new EmbeddingBatcher(model, 2, NEVER, (size, nanos, failed) -> sizes.add(size));
        batchers.add(batcher);

        CompletableFuture.allOf(batcher.submit("a"), batcher.submit("b")).get(30, TimeUnit.SECONDS);

        assertThat(sizes).containsExactly(2);
        assertThat(batcher.batchCount()).isEqualTo(1);
        assertThat(batcher.textCount()).isEqualTo(2);
        assertThat(batcher.lastBatchSize()).isEqualTo(2);
    }

    @Test
    void identicalUnfinishedTextsShareModelCall() throws Exception {
        RecordingModel model = new RecordingModel("recording");
        EmbeddingBatcher batcher = start(model, 4, NEVER);
        CountDownLatch entered = model.closeGate();

        // "same" is in the running call when its second copy arrives; "queued" twice in the queue.
        List<CompletableFuture<float[]>> first = new ArrayList<>(List.of(batcher.submit("same")));
        first.addAll(submitAll(batcher, 0, 3));
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<float[]> sameAgain = batcher.submit("same");
        CompletableFuture<float[]> queued = batcher.submit("queued");
        CompletableFuture<float[]> queuedAgain = batcher.submit("queued");
        List<CompletableFuture<float[]>> filler = submitAll(batcher, 3, 6);
        model.openGate();

        assertThat(sameAgain.get(30, TimeUnit.SECONDS)).isEqualTo(TestModels.vectorOf("same"));
        assertThat(first.get(0).get(30, TimeUnit.SECONDS)).isEqualTo(TestModels.vectorOf("same"));
        assertThat(queuedAgain.get(30, TimeUnit.SECONDS)).isEqualTo(TestModels.vectorOf("queued"));
        assertThat(queued.get(30, TimeUnit.SECONDS)).isEqualTo(TestModels.vectorOf("queued"));
        CompletableFuture.allOf(filler.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        // Each caller owns its array.
        assertThat(queued.get()).isNotSameAs(queuedAgain.get());

        assertThat(model.batchSizes).containsExactly(4, 4);
        assertThat(batcher.textCount()).isEqualTo(8);
        assertThat(batcher.joinedCount()).isEqualTo(2);

        // Once embedded, the same text is embedded again: joining covers only unfinished requests.
        CompletableFuture<float[]> sameLater = batcher.submit("same");
        submitAll(batcher, 6, 9);
        assertThat(sameLater.get(30, TimeUnit.SECONDS)).isEqualTo(TestModels.vectorOf("same"));
        assertThat(batcher.textCount()).isEqualTo(12);
    }

    @Test
    void abandonedCallerLeavesJoinedCallerServed() throws Exception {
        RecordingModel model = new RecordingModel("recording");
        EmbeddingBatcher batcher = start(model, 1, NEVER);
        CountDownLatch entered = model.closeGate();
        CompletableFuture<float[]> blocker = batcher.submit("blocker");
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<float[]> impatient = batcher.submit("shared");
        CompletableFuture<float[]> patient = batcher.submit("shared");
        impatient.completeExceptionally(new java.util.concurrent.TimeoutException("caller gave up"));
        model.openGate();

        assertThat(blocker.get(30, TimeUnit.SECONDS)).isEqualTo(TestModels.vectorOf("blocker"));
        assertThat(patient.get(30, TimeUnit.SECONDS)).isEqualTo(TestModels.vectorOf("shared"));
        assertThat(model.batchSizes).containsExactly(1, 1);
    }

    private EmbeddingBatcher start(EmbeddingModel model, int maxBatchSize, Duration maxBatchWait) {
        EmbeddingBatcher batcher =
                new EmbeddingBatcher(
                        model, maxBatchSize, maxBatchWait, (size, nanos, failed) -> {});
        batchers.add(batcher);
        return batcher;
    }

    private static List<CompletableFuture<float[]>> submitAll(
            EmbeddingBatcher batcher, int from, int to) {
        List<CompletableFuture<float[]>> futures = new ArrayList<>();
        for (int i = from; i < to; i++) {
            futures.add(batcher.submit("text " + i));
        }
        return futures;
    }
}
